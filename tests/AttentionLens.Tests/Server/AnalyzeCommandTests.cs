using System.CommandLine;
using System.Xml.Linq;
using AttentionLens.Server.Cli;

namespace AttentionLens.Tests.Server;

/// <summary>`analyze --format html|svg` writes the demo's standalone report for one analysis of
/// stories260K, with token text escaped.</summary>
public class AnalyzeCommandTests
{
    private static async Task<string> RunAsync(string format)
    {
        var file = Path.Combine(Path.GetTempPath(), $"attention-lens-analyze-{Guid.NewGuid():N}.{format}");
        try
        {
            var root = new RootCommand { AnalyzeCommand.Create() };
            var rc = await root.Parse(["analyze", "--model", SharedData.Path("models", "stories260K"),
                "--text", "Lily saw <img src=x onerror=alert(1)> here.", "--format", format, "--out", file]).InvokeAsync();
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
    }

    [Fact]
    public async Task SvgIsWellFormed()
    {
        var svg = await RunAsync("svg");
        var doc = XDocument.Parse(svg);
        Assert.Equal("svg", doc.Root!.Name.LocalName);
    }
}
