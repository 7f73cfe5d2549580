using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using AttentionLens.Tensors;

namespace AttentionLens.Server.Cli;

/// <summary>
/// `bench kernels --shapes llama-1b`: the linear layers of Llama-3.2-1B at T = 128 tokens (q/o
/// 2048→2048, k/v 2048→512, gate/up 2048→8192, down 8192→2048) through <see cref="WeightMatrix"/>,
/// as the model calls them, with float32 weights (packed once, before timing) and bf16 weights
/// (kept 16-bit; each call widens its panels). Every line reports wall time and the CPU time the
/// process spent, and <c>of_peak</c> = (flops per CPU-second) / (the FMA loop's flops per
/// CPU-second, <see cref="FmaPeak"/>): on a machine shared with other jobs the wall time measures the
/// load, the CPU time the kernel.
/// </summary>
internal static class BenchLlamaGemm
{
    private static readonly (string Name, int M, int K, int N)[] Shapes =
        [("q_o", 128, 2048, 2048), ("k_v", 128, 2048, 512), ("gate_up", 128, 2048, 8192), ("down", 128, 8192, 2048)];

    public static void Run(int[] threadCounts, SimdLevel[] levels, int runs)
    {
        var (peakPerCpuSecond, peakWall) = FmaPeak();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"kernel\":\"fma_peak\",\"gflops_per_cpu_s\":{peakPerCpuSecond / 1e9:F2},\"gflops_wall\":{peakWall / 1e9:F2}}}"));
        var rng = new Random(1);
        foreach (var (name, m, k, n) in Shapes)
        {
            var a = RandomValues(rng, m * k, 1f);
            var w32 = RandomValues(rng, n * k, 0.02f);
            var bits = new ushort[w32.Length];
            for (int i = 0; i < bits.Length; i++) bits[i] = (ushort)(BitConverter.SingleToUInt32Bits(w32[i]) >> 16);
            var c = new float[m * n];
            double flops = 2.0 * m * k * n;
            foreach (var level in levels)
                foreach (int threads in threadCounts)
                {
                    var kernels = new CpuKernels(threads, level);
                    var f32 = new WeightMatrix(w32, true, k, n);
                    var bf16 = new WeightMatrix(WeightData.From16Bit(bits, WeightElementType.BFloat16), true, k, n);
                    foreach (var (dtype, w) in new[] { ("f32", f32), ("bf16", bf16) })
                    {
                        var (wall, cpu) = Time(runs, () => kernels.MatMul(a, w, default, c, m));
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"{{\"kernel\":\"gemm\",\"shape\":\"{name}\",\"weights\":\"{dtype}\",\"level\":\"{level}\",\"m\":{m},\"k\":{k},\"n\":{n},\"threads\":{threads}," +
                            $"\"median_s\":{wall:G6},\"gflops\":{flops / wall / 1e9:F2},\"cpu_s\":{cpu:G6},\"gflops_per_cpu_s\":{flops / cpu / 1e9:F2}," +
                            $"\"of_peak\":{flops / cpu / peakPerCpuSecond:F3}}}"));
                    }
                }
        }
    }

    /// <summary>Median wall time of <paramref name="runs"/> calls after a warm-up, and the mean
    /// process CPU time per call over the same calls.</summary>
    private static (double Wall, double Cpu) Time(int runs, Action action)
    {
        action();
        var times = new double[runs];
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu0 = process.TotalProcessorTime;
        for (int r = 0; r < runs; r++)
        {
            long t0 = Stopwatch.GetTimestamp();
            action();
            times[r] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        }

        process.Refresh();
        double cpu = (process.TotalProcessorTime - cpu0).TotalSeconds / runs;
        Array.Sort(times);
        return (times[runs / 2], cpu);
    }

    /// <summary>
    /// The FMA throughput one core reaches on registers alone: twelve independent chains of vector
    /// fused multiply-adds (more than latency × throughput, so the FMA units never wait), on the
    /// widest vectors the CPU accelerates. Returns flops per CPU-second and per wall-second.
    /// </summary>
    private static (double PerCpuSecond, double PerWallSecond) FmaPeak()
    {
        const long Iterations = 40_000_000;
        Chains(1000);
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu0 = process.TotalProcessorTime;
        long t0 = Stopwatch.GetTimestamp();
        float sink = Chains(Iterations);
        double wall = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        process.Refresh();
        double cpu = (process.TotalProcessorTime - cpu0).TotalSeconds;
        int lanes = Vector512.IsHardwareAccelerated ? 16 : Vector256.IsHardwareAccelerated ? 8 : 4;
        double flops = 2.0 * 12 * lanes * Iterations + (sink == 1234.5f ? 1 : 0);
        return (flops / cpu, flops / wall);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains(long iterations)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            var m = Vector512.Create(0.999999f);
            var add = Vector512.Create(1e-7f);
            Vector512<float> c0 = m, c1 = m, c2 = m, c3 = m, c4 = m, c5 = m, c6 = m, c7 = m, c8 = m, c9 = m, c10 = m, c11 = m;
            for (long i = 0; i < iterations; i++)
            {
                c0 = Vector512.FusedMultiplyAdd(c0, m, add); c1 = Vector512.FusedMultiplyAdd(c1, m, add);
                c2 = Vector512.FusedMultiplyAdd(c2, m, add); c3 = Vector512.FusedMultiplyAdd(c3, m, add);
                c4 = Vector512.FusedMultiplyAdd(c4, m, add); c5 = Vector512.FusedMultiplyAdd(c5, m, add);
                c6 = Vector512.FusedMultiplyAdd(c6, m, add); c7 = Vector512.FusedMultiplyAdd(c7, m, add);
                c8 = Vector512.FusedMultiplyAdd(c8, m, add); c9 = Vector512.FusedMultiplyAdd(c9, m, add);
                c10 = Vector512.FusedMultiplyAdd(c10, m, add); c11 = Vector512.FusedMultiplyAdd(c11, m, add);
            }

            return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
        }

        var n = Vector256.Create(0.999999f);
        var d = Vector256.Create(1e-7f);
        Vector256<float> e0 = n, e1 = n, e2 = n, e3 = n, e4 = n, e5 = n, e6 = n, e7 = n, e8 = n, e9 = n, e10 = n, e11 = n;
        for (long i = 0; i < iterations; i++)
        {
            e0 = Vector256.MultiplyAddEstimate(e0, n, d); e1 = Vector256.MultiplyAddEstimate(e1, n, d);
            e2 = Vector256.MultiplyAddEstimate(e2, n, d); e3 = Vector256.MultiplyAddEstimate(e3, n, d);
            e4 = Vector256.MultiplyAddEstimate(e4, n, d); e5 = Vector256.MultiplyAddEstimate(e5, n, d);
            e6 = Vector256.MultiplyAddEstimate(e6, n, d); e7 = Vector256.MultiplyAddEstimate(e7, n, d);
            e8 = Vector256.MultiplyAddEstimate(e8, n, d); e9 = Vector256.MultiplyAddEstimate(e9, n, d);
            e10 = Vector256.MultiplyAddEstimate(e10, n, d); e11 = Vector256.MultiplyAddEstimate(e11, n, d);
        }

        return Vector256.Sum(e0 + e1 + e2 + e3 + e4 + e5 + e6 + e7 + e8 + e9 + e10 + e11);
    }

    private static float[] RandomValues(Random rng, int length, float scale)
    {
        var x = new float[length];
        for (int i = 0; i < length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1) * scale;
        return x;
    }
}
