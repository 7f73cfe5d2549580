using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using AttentionLens.Models;
using AttentionLens.Tensors;

namespace AttentionLens.Server.Cli;

/// <summary>
/// `attention-lens bench forward --model bert-base|gpt2|gpt2-medium|deberta-v3-base|llama-1b|llama-8b --tokens N [--threads 2] [--runs 5] [--logits all|last|none]`:
/// builds a random model of that standard size (no checkpoint), runs one warm-up forward with
/// attentions (and logits where the model has a head, as ../shared/bench/torch_forward.py does),
/// then times <c>--runs</c> more and prints one JSON line. gflops counts the matrix products only:
/// per layer 2·T·(4C² + 2·C·F) for the projections and MLP plus 2·2·T²·C for scores and P·V, and
/// 2·T·C·V for an LM head (F = 4C for these presets). The Llama shapes (bf16 weights, as their
/// checkpoints) count 2·T·(2C² + 2·C·C_kv + 3·C·F) per layer (grouped-query k/v, SwiGLU). With
/// <c>--logits last</c> the head runs on the last position only (what an analysis asks for), so the
/// head's FLOPs are 2·C·V, and the last layer's o_proj and MLP run on that row alone unless
/// <c>--full-last-layer</c> (<see cref="ForwardOptions.LastLayerLogitRowsOnly"/>, as occlusion passes ask);
/// the baseline script always computes every row.
/// </summary>
internal static class BenchForwardCommand
{
    public static Command Create()
    {
        var modelOption = new Option<string>("--model") { Description = "bert-base, gpt2, gpt2-medium or deberta-v3-base.", DefaultValueFactory = _ => "bert-base" };
        var tokensOption = new Option<int>("--tokens") { Description = "Sequence length T.", DefaultValueFactory = _ => 128 };
        var threadsOption = new Option<int>("--threads") { Description = "Kernel threads.", DefaultValueFactory = _ => 2 };
        var runsOption = new Option<int>("--runs") { Description = "Timed runs after one warm-up.", DefaultValueFactory = _ => 5 };
        var logitsOption = new Option<string>("--logits") { Description = "LM-head rows: all (as the PyTorch baseline), last, or none.", DefaultValueFactory = _ => "all" };
        var profileOption = new Option<bool>("--profile") { Description = "Also print where the timed forwards' time went, per kernel kind (wall and CPU seconds)." };
        var fullLastOption = new Option<bool>("--full-last-layer") { Description = "With --logits last: run the last layer's MLP on every row (by default only the logit row, ForwardOptions.LastLayerLogitRowsOnly, as occlusion passes do)." };
        var command = new Command("forward", "Time a forward pass of a random model of a standard size.");
        command.Options.Add(modelOption);
        command.Options.Add(tokensOption);
        command.Options.Add(threadsOption);
        command.Options.Add(runsOption);
        command.Options.Add(logitsOption);
        command.Options.Add(profileOption);
        command.Options.Add(fullLastOption);
        command.SetAction(parse =>
        {
            string preset = parse.GetValue(modelOption)!;
            int tokens = parse.GetValue(tokensOption), threads = parse.GetValue(threadsOption), runs = parse.GetValue(runsOption);
            string logits = parse.GetValue(logitsOption)!;
            if (logits is not ("all" or "last" or "none"))
            {
                Console.Error.WriteLine($"--logits {logits}: choose all, last or none.");
                return 2;
            }
            if (!ModelPresets.Names.Contains(preset))
            {
                Console.Error.WriteLine($"--model {preset}: choose one of {string.Join(", ", ModelPresets.Names)}.");
                return 2;
            }

            if (tokens < 1 || threads < 1 || runs < 1)
            {
                Console.Error.WriteLine("--tokens, --threads and --runs must be at least 1.");
                return 2;
            }

            try
            {
                Run(preset, tokens, threads, runs, logits, parse.GetValue(profileOption), !parse.GetValue(fullLastOption));
                return 0;
            }
            catch (AttentionLensException e)
            {
                Console.Error.WriteLine(e.Message);
                return 1;
            }
        });
        return command;
    }

    private static void Run(string preset, int tokens, int threads, int runs, string logitRows, bool profile, bool lastLayerRowsOnly)
    {
        long b0 = Stopwatch.GetTimestamp();
        var buckets = new ProfilingKernels.Buckets();
        IKernels cpu = new CpuKernels(threads);
        var model = ModelPresets.CreateRandom(preset, 0, profile ? new ProfilingKernels(cpu, buckets) : cpu);
        double build = Stopwatch.GetElapsedTime(b0).TotalSeconds;
        var info = model.Info;
        if (tokens > info.MaxPositions)
            throw new AttentionLensException($"--tokens {tokens}: {preset} has {info.MaxPositions} positions.");
        var rng = new Random(1);
        var input = new ForwardInput(Enumerable.Range(0, tokens).Select(_ => rng.Next(info.VocabSize)).ToArray());
        var options = new ForwardOptions
        {
            ComputeLogits = logitRows != "none", LogitRows = logitRows == "last" ? [tokens - 1] : null, Threads = threads,
            LastLayerLogitRowsOnly = logitRows == "last" && lastLayerRowsOnly,
        };
        long w0 = Stopwatch.GetTimestamp();
        model.Forward(input, options);
        double first = Stopwatch.GetElapsedTime(w0).TotalSeconds;

        buckets.Clear();
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu0 = process.TotalProcessorTime;
        var times = new double[runs];
        for (int r = 0; r < runs; r++)
        {
            long t0 = Stopwatch.GetTimestamp();
            model.Forward(input, options);
            times[r] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        }

        process.Refresh();
        double cpuPerRun = (process.TotalProcessorTime - cpu0).TotalSeconds / runs;
        double[] sorted = times.Order().ToArray();
        double median = runs % 2 == 1 ? sorted[runs / 2] : (sorted[runs / 2 - 1] + sorted[runs / 2]) / 2;
        double flops = Flops(info, tokens, ModelPresets.LlamaShape(preset)?.IntermediateSize, logitRows, options.LastLayerLogitRowsOnly);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"model\":\"{preset}\",\"tokens\":{tokens},\"threads\":{threads},\"logits\":\"{logitRows}\",\"last_layer\":\"{(options.LastLayerLogitRowsOnly ? "rows" : "all")}\",\"median_s\":{median:G6},\"min_s\":{sorted[0]:G6}," +
            $"\"build_s\":{build:G4},\"first_s\":{first:G4},\"cpu_s\":{cpuPerRun:G6}," +
            $"\"gflops\":{flops / median / 1e9:F2},\"simd\":\"{SimdSupport.Best}\",\"runs\":[{string.Join(",", times.Select(t => t.ToString("G6", CultureInfo.InvariantCulture)))}]}}"));
        if (profile)
        {
            // Per timed forward; "other" is the forward's time outside any kernel call.
            double wallTotal = times.Sum() / runs;
            double inKernels = buckets.Totals.Values.Sum(b => b.Wall) / runs;
            var parts = buckets.Totals.OrderByDescending(b => b.Value.Wall)
                .Select(b => string.Create(CultureInfo.InvariantCulture,
                    $"\"{b.Key}\":{{\"wall_s\":{b.Value.Wall / runs:G4},\"cpu_s\":{b.Value.Cpu / runs:G4},\"share\":{b.Value.Wall / runs / wallTotal:F3},\"calls\":{b.Value.Calls / runs}}}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"profile\":{{{string.Join(",", parts)},\"other\":{{\"wall_s\":{wallTotal - inKernels:G4},\"share\":{(wallTotal - inKernels) / wallTotal:F3}}}}}}}"));
        }
    }

    /// <summary>Floating-point operations of the matrix products of one forward pass.</summary>
    /// <param name="lastLayerRowsOnly">The last layer's output projection and MLP ran on the one logit row
    /// (its q/k/v projections and attention on every row).</param>
    internal static double Flops(ModelInfo info, int tokens, int? llamaFfn = null, string logitRows = "all", bool lastLayerRowsOnly = false)
    {
        double t = tokens, c = info.HiddenSize, kv = llamaFfn is null ? c : info.KeyValueHeads * info.HeadDim;
        // Per row: q and k/v projections, then o_proj and the MLP (SwiGLU: 3·C·F; GELU MLP, F = 4C: 2·C·F).
        double before = 2 * (c * c + 2 * c * kv), after = llamaFfn is int ffn ? 2 * (c * c + 3 * c * ffn) : 2 * (c * c + 2 * c * 4 * c);
        double attention = 2 * 2 * t * t * c;
        double perLayer = t * (before + after) + attention;
        double lastLayer = lastLayerRowsOnly ? t * before + attention + after : perLayer;
        double headRows = logitRows switch { "all" => t, "last" => 1, _ => 0 };
        double head = info.HasLmHead ? 2 * headRows * c * info.VocabSize : 0;
        return (info.Layers - 1) * perLayer + lastLayer + head;
    }
}
