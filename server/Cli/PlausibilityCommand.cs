using System.CommandLine;
using AttentionLens.Demo;

namespace AttentionLens.Server.Cli;

/// <summary>`attention-lens plausibility`: how often each method ranks the true subject noun in its
/// top k, for the fine-tuned and pre-trained BERT ([CLS]) and for GPT-2 (the verb's position),
/// on held-out grammar sentences.</summary>
internal static class PlausibilityCommand
{
    public static Command Create()
    {
        var k = new Option<int>("--k") { Description = "A hit is the subject noun among the method's top k word tokens.", DefaultValueFactory = _ => 1 };
        var sentences = new Option<int>("--sentences") { Description = "Held-out sentences per column (at most 300).", DefaultValueFactory = _ => 200 };
        var models = new Option<string?>("--models") { Description = "Folder of the demo models (default: next to the executable, else in the repository)." };
        var only = new Option<string?>("--methods") { Description = "Comma-separated token methods to measure (rows are independent; default every one)." };
        var command = new Command("plausibility", "Print the plausibility table of every method on held-out grammar sentences.");
        command.Options.Add(only);
        command.Options.Add(k);
        command.Options.Add(sentences);
        command.Options.Add(models);
        command.SetAction((parse, ct) => Task.FromResult(Run(Console.Out, Console.Error, parse.GetValue(models), parse.GetValue(k), parse.GetValue(sentences), ct, parse.GetValue(only))));
        return command;
    }

    internal static int Run(TextWriter stdout, TextWriter stderr, string? modelsDirectory, int k, int sentences, CancellationToken cancellationToken, string? methods = null)
    {
        try
        {
            var table = Compute(modelsDirectory, k, sentences, cancellationToken, TokenMethods(methods));
            stdout.Write(table.ToText());
            return 0;
        }
        catch (AttentionLensException e)
        {
            return CliErrors.Report(e, stderr);
        }
    }

    /// <summary>--methods as token methods of the registry (null = all), refusing unknown names and methods without token scores.</summary>
    internal static IReadOnlyList<AttentionLens.Analysis.AnalysisMethod>? TokenMethods(string? list)
    {
        if (list is null) return null;
        var names = list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var known = AttentionLens.Analysis.MethodRegistry.TokenMethods;
        var bad = names.Where(n => !known.Any(m => string.Equals(m.Name, n, StringComparison.OrdinalIgnoreCase))).ToList();
        if (names.Length == 0 || bad.Count > 0)
            throw new Services.InvalidParamsException($"--methods '{list}': {(bad.Count > 0 ? $"not token methods: {string.Join(", ", bad)}" : "empty")}; expected some of {string.Join(", ", known.Select(m => m.Name))}.");
        return known.Where(m => names.Any(n => string.Equals(m.Name, n, StringComparison.OrdinalIgnoreCase))).ToArray();
    }

    internal static PlausibilityTable Compute(string? modelsDirectory, int k, int sentences, CancellationToken cancellationToken, IReadOnlyList<AttentionLens.Analysis.AnalysisMethod>? only = null)
    {
        var models = DemoModels.Locate(modelsDirectory);
        var set = HeldOutSet.Load(models.HeldOut);
        return PlausibilityBenchmark.Load(models).Run(set, k, sentences, cancellationToken, only);
    }
}
