using AttentionLens.Analysis;
using AttentionLens.Server.Cli;

namespace AttentionLens.Tests.Demo;

/// <summary>The plausibility table's shape and ranges (not its particular values).</summary>
public class PlausibilityCommandTests
{
    [Fact]
    public void TableHasEveryMethodAndColumnWithRatesInUnitInterval()
    {
        var table = PlausibilityCommand.Compute(null, 1, 25, CancellationToken.None);
        Assert.Equal(25, table.Sentences);
        Assert.Equal(MethodRegistry.TokenMethods, table.Methods);
        Assert.Equal(3, table.Columns.Count);
        Assert.Equal(table.Methods.Count, table.Rates.Count);
        for (var m = 0; m < table.Methods.Count; m++)
        {
            var row = table.Rates[m];
            Assert.Equal(table.Columns.Count, row.Length);
            for (var c = 0; c < row.Length; c++)
            {
                if (IsUnavailable(table.Methods[m], c))
                {
                    Assert.True(double.IsNaN(row[c]), $"{table.Methods[m]} in column {c} should be unavailable (NaN), got {row[c]}");
                    continue;
                }
                Assert.InRange(row[c], 0.0, 1.0);
                // A rate is a count over 25 sentences.
                Assert.Equal(Math.Round(row[c] * 25), row[c] * 25, 9);
            }
        }

        Assert.All(table.Chance, c => Assert.InRange(c, 0.0, 1.0));
        Assert.InRange(table.ClassifierAccuracy, 0.0, 1.0);
        Assert.InRange(table.Gpt2AgreementAccuracy, 0.0, 1.0);
        var text = table.ToText();
        Assert.Equal(table.Methods.Count + 4, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void TopKAsLargeAsTheSentenceIsAlwaysAHit()
    {
        // Every sentence has fewer than 16 words, so every method's top 16 holds the subject.
        var table = PlausibilityCommand.Compute(null, 16, 5, CancellationToken.None);
        for (var m = 0; m < table.Methods.Count; m++)
            for (var c = 0; c < table.Columns.Count; c++)
                Assert.Equal(IsUnavailable(table.Methods[m], c) ? double.NaN : 1.0, table.Rates[m][c]);
        Assert.All(table.Chance, c => Assert.Equal(1.0, c));
    }

    [Fact]
    public void CommandPrintsTheTableAndRefusesBadK()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Assert.Equal(0, PlausibilityCommand.Run(stdout, stderr, null, 2, 5, CancellationToken.None));
        Assert.Contains("subject noun in top-2", stdout.ToString());
        Assert.Contains("flow (max-flow)", stdout.ToString());
        Assert.Equal(1, PlausibilityCommand.Run(new StringWriter(), stderr, null, 0, 5, CancellationToken.None));
        Assert.Contains("--k must be at least 1", stderr.ToString());
    }

    [Fact]
    public void MethodsRestrictsTheRowsAndRefusesUnknownOnes()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Assert.Equal(0, PlausibilityCommand.Run(stdout, stderr, null, 1, 3, CancellationToken.None, "saliency,rollout"));
        var text = stdout.ToString();
        Assert.Contains("saliency", text);
        Assert.Contains("| rollout", text);
        Assert.DoesNotContain("flow (max-flow)", text);
        Assert.Equal(1, PlausibilityCommand.Run(new StringWriter(), stderr, null, 1, 3, CancellationToken.None, "saliency,logitLens"));
        Assert.Contains("--methods", stderr.ToString());
    }

    /// <summary>ALTI and GlobEnc decompose post-norm encoders only: GPT-2 (column 2) reports them unavailable (value zeroing runs
    /// on GPT-2 too, docs/methods.md#valuezeroing);
    /// the gradient methods are unavailable on a column whose model has no backward pass (IDifferentiableModel).</summary>
    private static bool IsUnavailable(AnalysisMethod method, int column) =>
        (column == 2 && method.Name is "alti" or "globenc")
        || (MethodRegistry.Get(method).Needs.HasFlag(MethodNeeds.Gradients) && !Differentiable.Value[column]);

    private static readonly Lazy<bool[]> Differentiable = new(() =>
    {
        var models = AttentionLens.Demo.DemoModels.Locate(null);
        return [.. new[] { models.BertFinetuned, models.BertPretrained, models.Gpt2 }.Select(dir => AttentionLens.Models.Gradients.IsDifferentiable(AttentionLens.Models.ModelLoader.Load(dir)))];
    });
}
