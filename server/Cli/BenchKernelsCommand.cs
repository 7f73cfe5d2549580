using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using AttentionLens.Tensors;

namespace AttentionLens.Server.Cli;

/// <summary>
/// `attention-lens bench kernels`: GEMM throughput at BERT-base shapes (T = 128 tokens, C = 768,
/// FFN 3072) for every supported instruction set and thread count, against the scalar reference
/// measured in the same run. One JSON line per measurement on stdout; no assertions.
/// <c>--shapes llama-1b</c> measures instead the linear layers of Llama-3.2-1B at 128 tokens through
/// <see cref="WeightMatrix"/> as the models call them, with float32 weights (packed once) and bf16
/// weights (widened per panel on every call), beside the CPU time the process used and the
/// throughput of a register-only FMA loop measured in the same run (<see cref="FmaPeak"/>), so the
/// fraction of peak is read even on a loaded machine.
/// </summary>
internal static class BenchKernelsCommand
{
    /// <summary>(m, k, n): QKV/output projections, FFN up, FFN down of BERT-base at 128 tokens.</summary>
    private static readonly (int M, int K, int N)[] Shapes = [(128, 768, 768), (128, 768, 3072), (128, 3072, 768)];

    public static Command Create()
    {
        var threadsOption = new Option<string>("--threads") { Description = "Comma-separated thread counts.", DefaultValueFactory = _ => "1,2" };
        var runsOption = new Option<int>("--runs") { Description = "Timed runs per measurement (median reported).", DefaultValueFactory = _ => 7 };
        var levelOption = new Option<string>("--level") { Description = "avx512, avx2, vector128 or all (every supported one).", DefaultValueFactory = _ => "best" };
        var shapesOption = new Option<string>("--shapes") { Description = "bert-base (float32 GEMM vs scalar, row kernels) or llama-1b (float32 and bf16 weights vs FMA peak).", DefaultValueFactory = _ => "bert-base" };
        var command = new Command("kernels", "Kernel throughput: GEMM at BERT-base shapes vs the scalar reference.");
        command.Options.Add(threadsOption);
        command.Options.Add(runsOption);
        command.Options.Add(levelOption);
        command.Options.Add(shapesOption);
        command.SetAction(parse =>
        {
            int[] threadCounts;
            try
            {
                threadCounts = parse.GetValue(threadsOption)!.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            }
            catch (FormatException)
            {
                Console.Error.WriteLine("--threads must be comma-separated integers, e.g. 1,2");
                return 2;
            }

            string levelName = parse.GetValue(levelOption)!.ToLowerInvariant();
            SimdLevel[] levels = levelName switch
            {
                "best" => [SimdSupport.Best],
                "all" => SimdSupport.Supported.ToArray(),
                _ => Enum.TryParse<SimdLevel>(levelName, true, out var l) && SimdSupport.IsSupported(l) ? [l] : [],
            };
            if (levels.Length == 0)
            {
                Console.Error.WriteLine($"--level {levelName}: not a supported level here (supported: {string.Join(", ", SimdSupport.Supported)}).");
                return 2;
            }

            string shapes = parse.GetValue(shapesOption)!;
            if (shapes == "llama-1b") BenchLlamaGemm.Run(threadCounts, levels, Math.Max(1, parse.GetValue(runsOption)));
            else if (shapes == "bert-base") Run(threadCounts, levels, Math.Max(1, parse.GetValue(runsOption)));
            else
            {
                Console.Error.WriteLine($"--shapes {shapes}: choose bert-base or llama-1b.");
                return 2;
            }
            return 0;
        });
        return command;
    }

    private static void Run(int[] threadCounts, SimdLevel[] levels, int runs)
    {
        var rng = new Random(1);
        foreach (var (m, k, n) in Shapes)
        {
            var a = Random(rng, m * k);
            var w = Random(rng, n * k);
            var bias = Random(rng, n);
            var c = new float[m * n];
            double flops = 2.0 * m * k * n;
            double scalarSeconds = Time(1, () => ScalarKernels.MatMulTransposed(a, w, bias, c, m, k, n));
            Print("linear", "scalar", m, k, n, 1, scalarSeconds, flops, scalarSeconds);
            foreach (var level in levels)
                foreach (int threads in threadCounts)
                {
                    var kernels = new CpuKernels(threads, level);
                    double linear = Time(runs, () => kernels.MatMulTransposed(a, w, bias, c, m, k, n));
                    Print("linear", level.ToString(), m, k, n, threads, linear, flops, scalarSeconds);
                    double matmul = Time(runs, () => kernels.MatMul(a, w, bias, c, m, k, n));
                    Print("matmul", level.ToString(), m, k, n, threads, matmul, flops, scalarSeconds);
                }
        }

        RunRowKernels(levels, runs, rng);
    }

    /// <summary>Element-wise and row kernels at BERT-base sizes: nanoseconds per element.</summary>
    private static void RunRowKernels(SimdLevel[] levels, int runs, Random rng)
    {
        var x = Random(rng, 128 * 3072);
        var work = new float[x.Length];
        var gamma = Random(rng, 768);
        var cases = new (string Name, int Elements, Action<IKernels> Run)[]
        {
            ("gelu", x.Length, kk => { x.CopyTo(work, 0); kk.Activate(work, Activation.Gelu); }),
            ("gelu_tanh", x.Length, kk => { x.CopyTo(work, 0); kk.Activate(work, Activation.GeluTanh); }),
            ("silu", x.Length, kk => { x.CopyTo(work, 0); kk.Activate(work, Activation.Silu); }),
            ("softmax", 12 * 128 * 128, kk => { x.AsSpan(0, 12 * 128 * 128).CopyTo(work); kk.Softmax(work.AsSpan(0, 12 * 128 * 128), 12 * 128, 128); }),
            ("layernorm", 128 * 768, kk => kk.LayerNorm(x.AsSpan(0, 128 * 768), gamma, gamma, work, 128, 768, 1e-12f)),
        };
        var scalar = ScalarReferenceKernels.Instance;
        foreach (var (name, elements, run) in cases)
        {
            double scalarSeconds = Time(1, () => run(scalar));
            foreach (var level in levels)
            {
                var kernels = new CpuKernels(1, level);
                double seconds = Time(runs, () => run(kernels));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{{\"kernel\":\"{name}\",\"level\":\"{level}\",\"elements\":{elements},\"threads\":1,\"median_s\":{seconds:G6}," +
                    $"\"ns_per_element\":{seconds / elements * 1e9:F3},\"vs_scalar\":{scalarSeconds / seconds:F1}}}"));
            }
        }
    }

    private static void Print(string op, string level, int m, int k, int n, int threads, double seconds, double flops, double scalarSeconds) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"kernel\":\"gemm\",\"op\":\"{op}\",\"level\":\"{level}\",\"m\":{m},\"k\":{k},\"n\":{n},\"threads\":{threads}," +
            $"\"median_s\":{seconds:G6},\"gflops\":{flops / seconds / 1e9:F2},\"vs_scalar\":{scalarSeconds / seconds:F1}}}"));

    /// <summary>Median wall time of <paramref name="runs"/> calls after one warm-up call.</summary>
    private static double Time(int runs, Action action)
    {
        action();
        var times = new double[runs];
        for (int r = 0; r < runs; r++)
        {
            long t0 = Stopwatch.GetTimestamp();
            action();
            times[r] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        }

        Array.Sort(times);
        return times[runs / 2];
    }

    private static float[] Random(Random rng, int length)
    {
        var x = new float[length];
        for (int i = 0; i < length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }
}
