using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using AttentionLens.Models;
using AttentionLens.Tensors;

namespace AttentionLens.Server.Cli;

/// <summary>
/// `attention-lens bench forward --model bert-base|gpt2|gpt2-medium|deberta-v3-base --tokens N [--threads 2] [--runs 5]`:
/// builds a random model of that standard size (no checkpoint), runs one warm-up forward with
/// attentions (and logits where the model has a head, as ../shared/bench/torch_forward.py does),
/// then times <c>--runs</c> more and prints one JSON line. gflops counts the matrix products only:
/// per layer 2·T·(4C² + 2·C·F) for the projections and MLP plus 2·2·T²·C for scores and P·V, and
/// 2·T·C·V for an LM head (F = 4C for these presets).
/// </summary>
internal static class BenchForwardCommand
{
    public static Command Create()
    {
        var modelOption = new Option<string>("--model") { Description = "bert-base, gpt2, gpt2-medium or deberta-v3-base.", DefaultValueFactory = _ => "bert-base" };
        var tokensOption = new Option<int>("--tokens") { Description = "Sequence length T.", DefaultValueFactory = _ => 128 };
        var threadsOption = new Option<int>("--threads") { Description = "Kernel threads.", DefaultValueFactory = _ => 2 };
        var runsOption = new Option<int>("--runs") { Description = "Timed runs after one warm-up.", DefaultValueFactory = _ => 5 };
        var command = new Command("forward", "Time a forward pass of a random model of a standard size.");
        command.Options.Add(modelOption);
        command.Options.Add(tokensOption);
        command.Options.Add(threadsOption);
        command.Options.Add(runsOption);
        command.SetAction(parse =>
        {
            string preset = parse.GetValue(modelOption)!;
            int tokens = parse.GetValue(tokensOption), threads = parse.GetValue(threadsOption), runs = parse.GetValue(runsOption);
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
                Run(preset, tokens, threads, runs);
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

    private static void Run(string preset, int tokens, int threads, int runs)
    {
        var model = ModelPresets.CreateRandom(preset, 0, new CpuKernels(threads));
        var info = model.Info;
        if (tokens > info.MaxPositions)
            throw new AttentionLensException($"--tokens {tokens}: {preset} has {info.MaxPositions} positions.");
        var rng = new Random(1);
        var input = new ForwardInput(Enumerable.Range(0, tokens).Select(_ => rng.Next(info.VocabSize)).ToArray());
        var options = new ForwardOptions { ComputeLogits = true, Threads = threads };
        model.Forward(input, options);

        var times = new double[runs];
        for (int r = 0; r < runs; r++)
        {
            long t0 = Stopwatch.GetTimestamp();
            model.Forward(input, options);
            times[r] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        }

        double[] sorted = times.Order().ToArray();
        double median = runs % 2 == 1 ? sorted[runs / 2] : (sorted[runs / 2 - 1] + sorted[runs / 2]) / 2;
        double flops = Flops(info, tokens);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"model\":\"{preset}\",\"tokens\":{tokens},\"threads\":{threads},\"median_s\":{median:G6},\"min_s\":{sorted[0]:G6}," +
            $"\"gflops\":{flops / median / 1e9:F2},\"simd\":\"{SimdSupport.Best}\",\"runs\":[{string.Join(",", times.Select(t => t.ToString("G6", CultureInfo.InvariantCulture)))}]}}"));
    }

    /// <summary>Floating-point operations of the matrix products of one forward pass.</summary>
    internal static double Flops(ModelInfo info, int tokens)
    {
        double t = tokens, c = info.HiddenSize, f = 4 * c;
        double perLayer = 2 * t * (4 * c * c + 2 * c * f) + 2 * 2 * t * t * c;
        double head = info.HasLmHead ? 2 * t * c * info.VocabSize : 0;
        return info.Layers * perLayer + head;
    }
}
