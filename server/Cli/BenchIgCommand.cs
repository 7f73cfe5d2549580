using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using AttentionLens.Analysis;
using AttentionLens.Models;

namespace AttentionLens.Server.Cli;

/// <summary>
/// `attention-lens bench ig --model DIR --ids FILE [--steps 32] [--threads 2] [--runs 3]`: integrated gradients
/// (docs/methods.md#integratedgradients; zero baseline, midpoint rule) of the analysis's prediction on a
/// checkpoint, timed as the analysis times the method (its m + 2 forward and backward passes, not the
/// analysis's own forward pass), after one warm-up. The ids file holds the input ids, comma- or
/// whitespace-separated, so the PyTorch baseline (scripts/bench_ig.py) differentiates the same input.
/// Prints one JSON line with the times, y, Σ attributions and the completeness gap.
/// </summary>
internal static class BenchIgCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Required = true, Description = "Checkpoint folder (a model with a head and a backward pass)." };
        var ids = new Option<string>("--ids") { Required = true, Description = "File with the input ids (comma- or whitespace-separated)." };
        var steps = new Option<int>("--steps") { Description = "Points on the path.", DefaultValueFactory = _ => 32 };
        var threads = new Option<int>("--threads") { Description = "Kernel threads.", DefaultValueFactory = _ => 2 };
        var runs = new Option<int>("--runs") { Description = "Timed runs after one warm-up.", DefaultValueFactory = _ => 3 };
        var command = new Command("ig", "Time integrated gradients on a checkpoint.") { model, ids, steps, threads, runs };
        command.SetAction(parse =>
        {
            int m = parse.GetValue(steps), n = parse.GetValue(runs), t = parse.GetValue(threads);
            if (m < 1 || n < 1 || t < 1)
            {
                Console.Error.WriteLine("--steps, --runs and --threads must be at least 1.");
                return 2;
            }
            try
            {
                var loaded = ModelLoader.Load(parse.GetValue(model)!, new Tensors.CpuKernels(t));
                var input = new ForwardInput(File.ReadAllText(parse.GetValue(ids)!)
                    .Split([',', ' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries)
                    .Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray());
                var options = new AnalysisOptions { Methods = new HashSet<AnalysisMethod> { new("integratedGradients") }, IgSteps = m, MaxExtraPasses = Math.Max(1024, m + 2), MaxTokens = Math.Max(512, input.Length) };
                var warm = Analyzer.Analyze(loaded, input, options);
                if (warm.Unavailable.TryGetValue("integratedGradients", out var why)) throw new AttentionLensException(why);
                var times = new double[n];
                var cpu = new double[n];
                GradientDetail detail = warm.Gradients["integratedGradients"];
                for (int r = 0; r < n; r++)
                {
                    // CPU time of the whole analysis (all threads): the method dominates it, and on a loaded
                    // machine CPU seconds compare better than wall seconds.
                    var c0 = Process.GetCurrentProcess().TotalProcessorTime;
                    var result = Analyzer.Analyze(loaded, input, options);
                    cpu[r] = (Process.GetCurrentProcess().TotalProcessorTime - c0).TotalSeconds;
                    times[r] = result.TimingsMs["integratedGradients"] / 1000;
                    detail = result.Gradients["integratedGradients"];
                }
                var sorted = times.Order().ToArray();
                double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{{\"model\":\"{loaded.Info.Architecture}\",\"tokens\":{input.Length},\"steps\":{m},\"threads\":{t},\"median_s\":{median:G6},\"min_s\":{sorted[0]:G6},\"cpu_s\":{cpu.Order().ElementAt(n / 2):G6}," +
                    $"\"y\":{detail.Value:G8},\"f_baseline\":{detail.BaselineValue:G8},\"sum\":{detail.AttributionSum:G8},\"gap\":{detail.CompletenessGap:G6}," +
                    $"\"runs\":[{string.Join(",", times.Select(x => x.ToString("G6", CultureInfo.InvariantCulture)))}]}}"));
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
}
