using System.CommandLine;
using System.Xml.Linq;
using System.Text.Json;
using AttentionLens.Server.Cli;
using AttentionLens.Server.Protocol;
using AttentionLens.Tests.Demo;

namespace AttentionLens.Tests.Server;

/// <summary>`analyze --format html|svg` writes the demo's standalone report for one analysis of
/// stories260K, with token text escaped.</summary>
public class AnalyzeCommandTests
{
    private const string Text = "Lily saw <img src=x onerror=alert(1)> here.";

    private static async Task<string> RunAsync(string format)
    {
        var file = Path.Combine(Path.GetTempPath(), $"attention-lens-analyze-{Guid.NewGuid():N}.{format}");
        try
        {
            var root = new RootCommand { AnalyzeCommand.Create() };
            var rc = await root.Parse(["analyze", "--model", SharedData.Path("models", "stories260K"),
                "--text", Text, "--format", format, "--out", file]).InvokeAsync();
            Assert.Equal(0, rc);
            return await File.ReadAllTextAsync(file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task HtmlIsAStandalonePageWithEscapedTokens()
    {
        var html = await RunAsync("html");
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.Contains("&lt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        // The views get what attentionLens/analyze and /attention return; the tokens' text survives intact.
        var result = JsonSerializer.Deserialize(Assert.Single(ReportWriterTests.Parts(html, "analyze")), ProtocolJsonContext.Default.AnalyzeResult)!;
        Assert.Contains(result.Tokens, t => t.Text.Contains('<', StringComparison.Ordinal));
        Assert.All(result.Tokens.Where(t => !t.Special), t => Assert.True(t.Range.End.Character <= Text.Length, $"token {t.Index} ends past the text"));
        Assert.Contains(result.Tokens, t => Text[t.Range.Start.Character..t.Range.End.Character] == "<" || t.Text.StartsWith('<'));
        var attention = JsonSerializer.Deserialize(Assert.Single(ReportWriterTests.Parts(html, "attention")), ProtocolJsonContext.Default.AttentionResult)!;
        Assert.Equal(result.Layers * result.Heads, attention.Matrices.Count);
        Assert.All(attention.Matrices, m => Assert.Equal(result.Tokens.Count * result.Tokens.Count, m.Data.Length));
    }

    [Fact]
    public async Task SvgIsWellFormed()
    {
        var svg = await RunAsync("svg");
        var doc = XDocument.Parse(svg);
        Assert.Equal("svg", doc.Root!.Name.LocalName);
    }
}
