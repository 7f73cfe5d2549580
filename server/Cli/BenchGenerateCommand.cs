using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using AttentionLens.Generation;
using AttentionLens.Models;
using AttentionLens.Tensors;

namespace AttentionLens.Server.Cli;

/// <summary>
/// `attention-lens bench generate --model gpt2|llama-1b|pythia-160m|… --prompt 64 --new 32 [--threads 2] [--runs 3]`:
/// greedy generation on a random model of a standard size, timed with the key/value cache (one new
/// row per token, <see cref="ICausalPrefixReuse.AppendTokens"/>) and, as the baseline in the same
/// run, with a full forward of the whole sequence per token (what the families without a cache do).
/// Prints one JSON line: medians of ms per generated token for both, their ratio, and whether both
/// produced the same tokens.
/// </summary>
internal static class BenchGenerateCommand
{
    /// <summary>The model without its cache: generation falls back to a full forward per token.</summary>
    private sealed class WithoutCache(ITransformerModel inner) : ITransformerModel
    {
        public ModelInfo Info => inner.Info;
        public ForwardResult Forward(ForwardInput input, ForwardOptions? options = null, CancellationToken cancellationToken = default) =>
            inner.Forward(input, options, cancellationToken);
    }

    public static Command Create()
    {
        var modelOption = new Option<string>("--model") { Description = "A causal preset: gpt2, gpt2-medium, llama-1b, pythia-160m.", DefaultValueFactory = _ => "gpt2" };
        var promptOption = new Option<int>("--prompt") { Description = "Prompt tokens.", DefaultValueFactory = _ => 64 };
        var newOption = new Option<int>("--new") { Description = "Tokens generated per run.", DefaultValueFactory = _ => 32 };
        var threadsOption = new Option<int>("--threads") { Description = "Kernel threads.", DefaultValueFactory = _ => 2 };
        var runsOption = new Option<int>("--runs") { Description = "Timed runs of each path after one warm-up.", DefaultValueFactory = _ => 3 };
        var command = new Command("generate", "Time greedy generation with the key/value cache against a full forward per token.")
        {
            modelOption, promptOption, newOption, threadsOption, runsOption,
        };
        command.SetAction(parse =>
        {
            string preset = parse.GetValue(modelOption)!;
            int prompt = parse.GetValue(promptOption), added = parse.GetValue(newOption), threads = parse.GetValue(threadsOption), runs = parse.GetValue(runsOption);
            if (!ModelPresets.Names.Contains(preset) || prompt < 1 || added < 1 || threads < 1 || runs < 1)
            {
                Console.Error.WriteLine($"--model must be one of {string.Join(", ", ModelPresets.Names)}; --prompt, --new, --threads and --runs at least 1.");
                return 2;
            }
            try
            {
                Run(preset, prompt, added, threads, runs);
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

    private static void Run(string preset, int prompt, int added, int threads, int runs)
    {
        var model = ModelPresets.CreateRandom(preset, 0, new CpuKernels(threads));
        var rng = new Random(1);
        var ids = Enumerable.Range(0, prompt).Select(_ => rng.Next(model.Info.VocabSize)).ToArray();
        var options = new GenerationOptions { MaxNewTokens = added, Threads = threads };
        var plain = new WithoutCache(model);
        Generator.Generate(model, ids, options);
        Generator.Generate(plain, ids, options with { MaxNewTokens = Math.Min(added, 4) });
        var cached = new double[runs];
        var full = new double[runs];
        int[] cachedIds = [], fullIds = [];
        for (int r = 0; r < runs; r++)
        {
            long t0 = Stopwatch.GetTimestamp();
            cachedIds = Generator.Generate(model, ids, options).NewIds;
            cached[r] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds / added;
            t0 = Stopwatch.GetTimestamp();
            fullIds = Generator.Generate(plain, ids, options).NewIds;
            full[r] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds / added;
        }
        double cachedMedian = Median(cached), fullMedian = Median(full);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"model\":\"{preset}\",\"prompt\":{prompt},\"new\":{added},\"threads\":{threads},\"cached_ms_per_token\":{cachedMedian:F2},\"full_forward_ms_per_token\":{fullMedian:F2}," +
            $"\"speedup\":{fullMedian / cachedMedian:F2},\"same_tokens\":{(cachedIds.SequenceEqual(fullIds) ? "true" : "false")}," +
            $"\"cached_runs\":[{string.Join(",", cached.Select(t => t.ToString("F2", CultureInfo.InvariantCulture)))}],\"full_runs\":[{string.Join(",", full.Select(t => t.ToString("F2", CultureInfo.InvariantCulture)))}]}}"));
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
