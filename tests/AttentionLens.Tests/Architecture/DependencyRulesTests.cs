using System.Text.RegularExpressions;

namespace AttentionLens.Tests.Architecture;

/// <summary>
/// Checks the dependency rules ARCHITECTURE.md states, by reading the `using` directives of every
/// source file of the core library: Tensors ← Checkpoints ← Models; Tokenizers and Flow stand
/// alone; Analysis is the only place that combines them; the core knows nothing of the server.
/// </summary>
public class DependencyRulesTests
{
    // Which core namespaces each folder may use (besides itself and the root namespace).
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Tensors"] = [],
        ["Checkpoints"] = ["Tensors"],
        ["Models"] = ["Tensors", "Checkpoints"],
        ["Tokenizers"] = [],
        ["Flow"] = [],
        ["Analysis"] = ["Tensors", "Checkpoints", "Models", "Tokenizers", "Flow"],
        ["Generation"] = ["Tensors", "Checkpoints", "Models", "Tokenizers"],
        ["Demo"] = ["Tensors", "Checkpoints", "Models", "Tokenizers", "Flow", "Analysis"],
    };

    private static readonly Regex UsingCore = new(@"^\s*using\s+(?:static\s+)?AttentionLens\.(\w+)", RegexOptions.Multiline);

    [Fact]
    public void CoreFoldersOnlyUseWhatTheArchitectureAllows()
    {
        var core = Path.Combine(SharedData.RepositoryRoot, "attention-lens");
        var violations = new List<string>();
        foreach (var file in Directory.EnumerateFiles(core, "*.cs", SearchOption.AllDirectories))
        {
            var rel = Path.GetRelativePath(core, file);
            if (rel.StartsWith("obj") || rel.StartsWith("bin")) continue;
            var folder = rel.Contains(Path.DirectorySeparatorChar) ? rel[..rel.IndexOf(Path.DirectorySeparatorChar)] : "";
            var text = File.ReadAllText(file);
            foreach (Match m in UsingCore.Matches(text))
            {
                var used = m.Groups[1].Value;
                if (used == folder) continue;
                if (used == "Server" || (folder.Length > 0 && Allowed.TryGetValue(folder, out var ok) && !ok.Contains(used)))
                    violations.Add($"{rel} uses AttentionLens.{used}");
            }
            if (text.Contains("AttentionLens.Server"))
                violations.Add($"{rel} mentions the server: the core knows nothing of LSP");
        }
        Assert.True(violations.Count == 0, "Dependency rule violations:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void EveryCoreFolderIsKnown()
    {
        var core = Path.Combine(SharedData.RepositoryRoot, "attention-lens");
        var unknown = Directory.GetDirectories(core).Select(Path.GetFileName)
            .Where(d => d is not ("bin" or "obj") && !Allowed.ContainsKey(d!)).ToList();
        Assert.True(unknown.Count == 0, "Folders not described in ARCHITECTURE.md's rules: " + string.Join(", ", unknown));
    }
}
