using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using AttentionLens.Analysis;
using AttentionLens.Models;

namespace AttentionLens.Server.Cli;

/// <summary>
/// `attention-lens bench methods --model bert-base|gpt2 --tokens N [--runs 3]`: the cost of every
/// registered method on one forward pass of a random model of a standard size, as a ratio to that
/// forward pass measured in the same run (median of --runs). One JSON line per method; methods the
/// architecture cannot supply are listed as unavailable. Token ids are fixed pseudo-random ids.
/// </summary>
internal static class BenchMethodsCommand
{
    public static Command Create()
    {
        var modelOption = new Option<string>("--model") { Description = "bert-base or gpt2.", DefaultValueFactory = _ => "bert-base" };
        var tokensOption = new Option<int>("--tokens") { Description = "Sequence length T.", DefaultValueFactory = _ => 64 };
        var runsOption = new Option<int>("--runs") { Description = "Timed runs per method.", DefaultValueFactory = _ => 3 };
        var command = new Command("methods", "Time every analysis method against the forward pass it reads, same run.");
        command.Options.Add(modelOption);
        command.Options.Add(tokensOption);
        command.Options.Add(runsOption);
        command.SetAction(parse =>
        {
            string preset = parse.GetValue(modelOption)!;
            int tokens = parse.GetValue(tokensOption), runs = parse.GetValue(runsOption);
            if (!ModelPresets.Names.Contains(preset) || tokens < 2 || runs < 1)
            {
                Console.Error.WriteLine($"--model must be one of {string.Join(", ", ModelPresets.Names)}, --tokens ≥ 2, --runs ≥ 1.");
                return 2;
            }
            var model = ModelPresets.CreateRandom(preset, 1);
            var rng = new Random(7);
            var input = new ForwardInput(Enumerable.Range(0, tokens).Select(_ => rng.Next(1000, 20000)).ToArray());
            var c = CultureInfo.InvariantCulture;
            foreach (var method in MethodRegistry.All)
            {
                var options = new AnalysisOptions { Methods = new HashSet<AnalysisMethod> { new(method.Name) }, MaxExtraPasses = int.MaxValue };
                var forwardOptions = Analyzer.ForwardOptionsFor(options);
                var forward = model.Forward(input, forwardOptions);
                var probe = Analyzer.AnalyzeForward(model, input, forward, options);
                if (probe.Unavailable.ContainsKey(method.Name))
                {
                    Console.Out.WriteLine($"{{\"bench\":\"methods\",\"model\":\"{preset}\",\"tokens\":{tokens},\"method\":\"{method.Name}\",\"unavailable\":true}}");
                    continue;
                }
                var forwardMs = Median(runs, () => model.Forward(input, forwardOptions));
                // The method's own stage timing (rollout, always computed, is timed apart).
                var methodMs = MedianOf(runs, () => Analyzer.AnalyzeForward(model, input, forward, options).TimingsMs.GetValueOrDefault(method.Name));
                Console.Out.WriteLine(string.Create(c,
                    $"{{\"bench\":\"methods\",\"model\":\"{preset}\",\"tokens\":{tokens},\"method\":\"{method.Name}\",\"forward_ms\":{forwardMs:F1},\"method_ms\":{methodMs:F1},\"ratio_to_forward\":{methodMs / forwardMs:F2}}}"));
            }
            return 0;
        });
        return command;
    }

    private static double Median(int runs, Action action)
    {
        var times = new double[runs];
        for (int r = 0; r < runs; r++)
        {
            var sw = Stopwatch.StartNew();
            action();
            times[r] = sw.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return times[runs / 2];
    }

    /// <summary>Median of a value the action reports itself (a stage's own timing).</summary>
    private static double MedianOf(int runs, Func<double> measured)
    {
        var times = new double[runs];
        for (int r = 0; r < runs; r++) times[r] = measured();
        Array.Sort(times);
        return times[runs / 2];
    }
}
