using AttentionLens.Analysis;

namespace AttentionLens.Tests.Analysis;

/// <summary>The top-k candidates of a prediction: softmax probabilities (checked against the definition
/// e^{l_i} / Σ e^{l_j} in double), most probable first, ties by lower index, k clamped to [1, n].</summary>
public sealed class PredictionSummaryTests
{
    [Fact]
    public void TopIsSoftmaxSortedWithTiesByIndex()
    {
        float[] logits = [1f, 3f, 3f, -2f];
        var sum = logits.Sum(l => Math.Exp(l));
        var top = PredictionSummary.Top(logits, 3, k => $"L{k}");
        Assert.Equal([1, 2, 0], top.Select(c => c.Index));
        Assert.Equal(["L1", "L2", "L0"], top.Select(c => c.Label));
        for (int i = 0; i < 3; i++) Assert.Equal(Math.Exp(logits[top[i].Index]) / sum, top[i].Probability, 12);
    }

    [Fact]
    public void TopClampsK()
    {
        float[] logits = [0f, 1f];
        Assert.Equal(2, PredictionSummary.Top(logits, 10, k => "").Length);
        Assert.Single(PredictionSummary.Top(logits, 0, k => ""));
    }

    [Fact]
    public void LargeLogitsDoNotOverflow()
    {
        float[] logits = [1000f, 999f];
        var top = PredictionSummary.Top(logits, 2, k => "");
        Assert.Equal(1 / (1 + Math.Exp(-1)), top[0].Probability, 12);
        Assert.Equal(1, top[0].Probability + top[1].Probability, 12);
    }
}
