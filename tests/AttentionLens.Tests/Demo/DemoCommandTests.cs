using AttentionLens.Server.Cli;

namespace AttentionLens.Tests.Demo;

/// <summary>`demo` end to end on the bundled models: the report exists, is standalone, and its path
/// is the last line of stdout.</summary>
public class DemoCommandTests
{
    [Fact]
    public void DemoWritesStandaloneReportAndEndsWithItsPath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"attention-lens-demo-{Guid.NewGuid():N}", "report.html");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        try
        {
            var rc = DemoCommand.Run(stdout, stderr, null, path, CancellationToken.None);
            Assert.True(rc == 0, $"exit code {rc}; stderr: {stderr}");
            var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
            Assert.Equal(Path.GetFullPath(path), lines[^1]);
            Assert.True(File.Exists(lines[^1]));
            var html = File.ReadAllText(lines[^1]);
            Assert.StartsWith("<!DOCTYPE html>", html);
            Assert.DoesNotContain("src=", html, StringComparison.Ordinal);
            Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
            foreach (var part in new[] { "bert-pretrained", "bert-finetuned", "gpt2", "keys", "cabinet", "Comparison", "Faithfulness", "Spearman" })
            {
                Assert.Contains(part, html, StringComparison.Ordinal);
            }

            // The summary names every method for every model and the fine-tuned prediction.
            var text = stdout.ToString();
            Assert.Contains("rollout", text, StringComparison.Ordinal);
            Assert.Contains("flow (max-flow)", text, StringComparison.Ordinal);
            Assert.Contains("faithfulness ρ", text, StringComparison.Ordinal);
            Assert.Matches(@"bert-finetuned: .*→ (singular|plural) \(p = ", text);
            Assert.Contains("Timings:", text, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, true);
        }
    }

    [Fact]
    public void DemoWithoutModelsFailsWithAMessage()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var rc = DemoCommand.Run(stdout, stderr, Path.GetTempPath(), null, CancellationToken.None);
        Assert.Equal(1, rc);
        Assert.Contains("does not hold the demo models", stderr.ToString());
        Assert.Equal("", stdout.ToString());
    }
}
