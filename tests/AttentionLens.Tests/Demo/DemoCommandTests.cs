using System.Text.Json;
using AttentionLens.Server.Cli;
using AttentionLens.Server.Protocol;

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

            // The panels' views draw it: three analyses with their per-head attention, one comparison,
            // each as the protocol JSON the extension would receive (tests/e2e/report.sh renders it).
            var analyses = ReportWriterTests.Parts(html, "analyze").Select(j => JsonSerializer.Deserialize(j, ProtocolJsonContext.Default.AnalyzeResult)!).ToList();
            Assert.Equal(["bert-pretrained", "bert-finetuned", "gpt2"], analyses.Select(a => a.Model.Id));
            Assert.All(analyses, a => Assert.True(a.Influence is { Edges.Count: > 0 } && a.RolloutByLayer is not null && a.Faithfulness is not null, $"{a.Model.Id} lacks data the views draw"));
            // The classifier's panels show the label being explained with its probability (the demo's
            // classifier was trained on this grammar: the subject "keys" is plural).
            var explained = analyses[1].Prediction!;
            Assert.Equal("sequenceClassification", explained.Head);
            Assert.Equal("plural", explained.Label);
            Assert.InRange(explained.Probability!.Value, 0.5, 1.0);
            Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"plural (p = {explained.Probability:0.000}, predicted"), html, StringComparison.Ordinal);
            Assert.Null(analyses[0].Prediction); // a masked LM at [CLS]: the report cannot spell its token ids
            var attention = ReportWriterTests.Parts(html, "attention").Select(j => JsonSerializer.Deserialize(j, ProtocolJsonContext.Default.AttentionResult)!).ToList();
            Assert.Equal(analyses.Select(a => a.Layers * a.Heads), attention.Select(a => a.Matrices.Count));
            Assert.Equal(analyses.Select(a => a.Tokens.Count), attention.Select(a => a.Tokens));
            var compare = JsonSerializer.Deserialize(Assert.Single(ReportWriterTests.Parts(html, "compare")), ProtocolJsonContext.Default.CompareResult)!;
            Assert.Equal(analyses[0].Tokens, compare.A.Tokens);
            Assert.Equal("bert-finetuned", compare.B.Model.Id);

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
