using System.CommandLine;
using AttentionLens.Demo;

namespace AttentionLens.Server.Cli;

/// <summary>`attention-lens faithfulness`: every token method's mean Spearman ρ against occlusion and
/// ERASER comprehensiveness/sufficiency AOPC, on the demo models and stories260K (the README's table).</summary>
internal static class FaithfulnessCommand
{
    public static Command Create()
    {
        var sentences = new Option<int>("--sentences") { Description = "Held-out sentences per demo model.", DefaultValueFactory = _ => 50 };
        var models = new Option<string?>("--models") { Description = "Folder of the demo models (default: next to the executable, else in the repository)." };
        var stories = new Option<string?>("--stories") { Description = "The stories260K folder (default: ../shared/models/stories260K beside the repository, when present)." };
        var only = new Option<string?>("--methods") { Description = "Comma-separated token methods to measure (rows are independent; default every one)." };
        var command = new Command("faithfulness", "Print every method's faithfulness (ρ vs. occlusion, comprehensiveness and sufficiency AOPC) on the demo models and stories260K.");
        command.Options.Add(sentences);
        command.Options.Add(models);
        command.Options.Add(stories);
        command.Options.Add(only);
        command.SetAction((parse, ct) =>
        {
            try
            {
                var located = DemoModels.Locate(parse.GetValue(models));
                var set = HeldOutSet.Load(located.HeldOut);
                var table = FaithfulnessBenchmark.Run(located, set, parse.GetValue(stories) ?? DefaultStories(), parse.GetValue(sentences), ct, PlausibilityCommand.TokenMethods(parse.GetValue(only)));
                Console.Out.Write(table.ToText());
                return Task.FromResult(0);
            }
            catch (AttentionLensException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return Task.FromResult(1);
            }
        });
        return command;
    }

    /// <summary>../shared/models/stories260K above the working directory or the executable, when present.</summary>
    private static string? DefaultStories()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "..", "shared", "models", "stories260K");
                if (File.Exists(Path.Combine(candidate, "config.json"))) return Path.GetFullPath(candidate);
            }
        }
        return null;
    }
}
