using System.Text.RegularExpressions;

namespace AttentionLens.Tests.Architecture;

/// <summary>
/// Checks the server's layering that ARCHITECTURE.md states, by reading every server source file:
/// Protocol ← Services ← Lsp / Report ← Cli, with <c>Program.cs</c> the composition root. Protocol
/// holds records only (no core, no other folder); Lsp reaches the core only through Services and
/// is the only folder that touches StreamJsonRpc; Lsp and Report do not know each other.
/// </summary>
public class ServerLayeringTests
{
    private static readonly string[] Folders = ["Protocol", "Services", "Lsp", "Report", "Cli"];

    // Server folders each folder may use (besides itself).
    private static readonly Dictionary<string, string[]> AllowedServer = new()
    {
        ["Protocol"] = [],
        ["Services"] = ["Protocol"],
        ["Lsp"] = ["Protocol", "Services"],
        ["Report"] = ["Protocol", "Services"],
        ["Cli"] = ["Protocol", "Services", "Lsp", "Report"],
        [""] = ["Cli"],
    };

    // Whether the folder may use the core library (AttentionLens.* outside the server) directly.
    private static readonly Dictionary<string, bool> MayUseCore = new()
    {
        ["Protocol"] = false, ["Services"] = true, ["Lsp"] = false, ["Report"] = true, ["Cli"] = true, [""] = false,
    };

    private static readonly Regex ServerReference = new(@"AttentionLens\.Server\.(\w+)|(?<![\w.])(Protocol|Services|Lsp|Report|Cli)\.[A-Z]\w*");
    private static readonly Regex CoreUsing = new(@"^\s*using\s+(?:static\s+)?(?:\w+\s*=\s*)?AttentionLens\.(?!Server\b)(\w+)", RegexOptions.Multiline);
    private static readonly Regex StreamJsonRpcUsing = new(@"\bStreamJsonRpc\b");

    private static IEnumerable<(string Rel, string Folder, string Text)> ServerFiles()
    {
        var server = Path.Combine(SharedData.RepositoryRoot, "server");
        foreach (var file in Directory.EnumerateFiles(server, "*.cs", SearchOption.AllDirectories))
        {
            var rel = Path.GetRelativePath(server, file);
            if (rel.StartsWith("obj") || rel.StartsWith("bin")) continue;
            var folder = rel.Contains(Path.DirectorySeparatorChar) ? rel[..rel.IndexOf(Path.DirectorySeparatorChar)] : "";
            // Comments may name other layers; only code counts.
            var code = Regex.Replace(File.ReadAllText(file), @"//.*$", "", RegexOptions.Multiline);
            yield return (rel, folder, code);
        }
    }

    [Fact]
    public void ServerFoldersOnlyUseTheLayersBelowThem()
    {
        var violations = new List<string>();
        foreach (var (rel, folder, code) in ServerFiles())
        {
            Assert.True(AllowedServer.ContainsKey(folder), $"{rel}: folder '{folder}' is not described in ARCHITECTURE.md's server rules");
            foreach (Match m in ServerReference.Matches(code))
            {
                var used = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value;
                if (used == folder || !Folders.Contains(used)) continue;
                if (!AllowedServer[folder].Contains(used)) violations.Add($"{rel} uses {used}");
            }
            if (!MayUseCore[folder])
                foreach (Match m in CoreUsing.Matches(code))
                    if (m.Groups[1].Value != "Server")
                        violations.Add($"{rel} uses the core (AttentionLens.{m.Groups[1].Value}) directly; go through Services");
            if (folder != "Lsp" && StreamJsonRpcUsing.IsMatch(code))
                violations.Add($"{rel} mentions StreamJsonRpc: only Lsp/ carries the transport");
        }
        Assert.True(violations.Count == 0, "Server layering violations:\n" + string.Join("\n", violations.Distinct()));
    }

    [Fact]
    public void EveryServerFolderIsKnown()
    {
        var server = Path.Combine(SharedData.RepositoryRoot, "server");
        var unknown = Directory.GetDirectories(server).Select(Path.GetFileName)
            .Where(d => d is not ("bin" or "obj") && !AllowedServer.ContainsKey(d!)).ToList();
        Assert.True(unknown.Count == 0, "Server folders not described in ARCHITECTURE.md's rules: " + string.Join(", ", unknown));
    }
}
