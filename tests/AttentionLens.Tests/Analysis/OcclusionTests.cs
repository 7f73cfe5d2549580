using AttentionLens.Analysis;
using AttentionLens.Models;

namespace AttentionLens.Tests.Analysis;

public class OcclusionTests
{
    /// <summary>
    /// Causal fake with weights w = [ln 3, 0, ln 2]; at the last position s = Σ w over unmasked
    /// tokens and the logits are [s, 0], so the predicted token is 0 with log p = s − ln(e^s + 1).
    /// Full: s = ln 6 → ln(6/7). Without token 0: s = ln 2 → ln(2/3), drop ln(6/7) − ln(2/3) = ln(9/7).
    /// Without token 1: s unchanged → drop 0. Without token 2: s = ln 3 → ln(3/4), drop ln(8/7).
    /// </summary>
    [Fact]
    public void CausalDropsAreTheHandComputedLogProbabilityChanges()
    {
        var model = new FakeModel(causal: true, [Math.Log(3), 0, Math.Log(2)]);
        var (drops, description) = Occlusion.Compute(model, new ForwardInput([5, 6, 7]), 2);
        Assert.Equal(Math.Log(9.0 / 7), drops[0], 6);
        Assert.Equal(0, drops[1], 6);
        Assert.Equal(Math.Log(8.0 / 7), drops[2], 6);
        Assert.Contains("predicted next token 0", description);
        Assert.Equal(4, model.Calls);
    }

    /// <summary>Classifier fake: class-0 logit = Σ w over unmasked tokens, so dropping token j
    /// lowers it by exactly w_j: w = [0.5, −1, 2] → drops [0.5, −1, 2].</summary>
    [Fact]
    public void ClassifierDropsAreTheLogitChanges()
    {
        var model = new FakeModel(causal: false, [0.5, -1, 2], classifier: true);
        var (drops, description) = Occlusion.Compute(model, new ForwardInput([1, 2, 3]), 0);
        Assert.Equal(new[] { 0.5, -1, 2 }, drops.Select(d => Math.Round(d, 6)));
        Assert.Contains("label 'LABEL_0'", description);
    }

    [Fact]
    public void AlreadyMaskedTokensAreNotOccludedAgain()
    {
        var model = new FakeModel(causal: false, [0.5, -1, 2], classifier: true);
        var (drops, _) = Occlusion.Compute(model, new ForwardInput([1, 2, 3], AttentionMask: [1, 1, 0]), 0);
        Assert.Equal(0, drops[2]);
        Assert.Equal(3, model.Calls);
    }
}
