using System.CommandLine;
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
        var command = new Command("methods", "Time every analysis method against the forward pass it reads, same run.");
        var presetOptions = new BenchPresetOptions(command, "bert-base or gpt2.", 64, 3, "Timed runs per method.");
        command.SetAction(parse =>
        {
            if (!presetOptions.TryRead(parse, out string preset, out int tokens, out int runs)) return 2;
            var model = ModelPresets.CreateRandom(preset, 1);
            var input = BenchPresetOptions.RandomInput(tokens);
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
                var forwardMs = BenchPresetOptions.MedianMs(runs, () => model.Forward(input, forwardOptions));
                // The method's own stage timing (rollout, always computed, is timed apart).
                var methodMs = BenchPresetOptions.MedianOf(runs, () => Analyzer.AnalyzeForward(model, input, forward, options).TimingsMs.GetValueOrDefault(method.Name));
                Console.Out.WriteLine(string.Create(c,
                    $"{{\"bench\":\"methods\",\"model\":\"{preset}\",\"tokens\":{tokens},\"method\":\"{method.Name}\",\"forward_ms\":{forwardMs:F1},\"method_ms\":{methodMs:F1},\"ratio_to_forward\":{methodMs / forwardMs:F2}}}"));
            }
            return 0;
        });
        return command;
    }
}
