using AttentionLens.Analysis;
using AttentionLens.Flow;
using AttentionLens.Models;

namespace AttentionLens.Tests.Analysis;

public class AnalyzerTests
{
    private static readonly AnalysisOptions Everything = new()
    {
        Methods = new HashSet<AnalysisMethod>(AnalysisMethod.All),
    };

    [Fact]
    public void CausalDefaultsToLastTokenAndFillsEveryMethod()
    {
        var model = new FakeModel(causal: true, [Math.Log(3), 0, Math.Log(2), 0.5]);
        var r = Analyzer.Analyze(model, new ForwardInput([1, 2, 3, 4]), Everything);
        Assert.Equal(3, r.Target);
        Assert.Equal((2, 2, 4), (r.Layers, r.Heads, r.Tokens));
        Assert.NotNull(r.Attention);
        Assert.NotNull(r.Flow);
        Assert.NotNull(r.Influence);
        Assert.NotNull(r.ValueNorms);
        Assert.NotNull(r.Faithfulness);
        // Uniform causal attention: the last query reads 4 keys at 1/4 each.
        Assert.All(r.Attention!, v => Assert.Equal(0.25, v, 6));
        Assert.Equal(1, r.Flow!.Normalised.Sum(), 12);
        Assert.Equal(r.Flow.ShapleyTotal, r.Flow.Shapley.Sum(), 12);
        Assert.InRange(r.Flow.ShapleyTotal, 0, 1 + 1e-12);
        // α·‖f_h(x_j)‖ at the target row = A[l,h][3, j]·‖f_h(x_j)‖ = ¼·‖f_h(x_j)‖ here.
        Assert.Equal(0.25 * r.ValueNorms!.HeadValueNorms[1 * 2 + 1, 2], r.ValueNorms.TargetWeightedHeadNorms![1 * 2 + 1, 2], 6);
        Assert.Equal(1, Enumerable.Range(0, 4).Sum(j => r.Rollout[3, j]), 12);
        // Rollout after one layer at the target equals Â[1] row 3 = 0.5·[¼ ¼ ¼ ¼] + 0.5·e_3.
        Assert.Equal(new[] { 0.125, 0.125, 0.125, 0.625 }, Enumerable.Range(0, 4).Select(j => Math.Round(r.RolloutByLayer[0, j], 9)));
        Assert.Equal(1, r.ValueNorms!.Scores.Sum(), 9);
        Assert.All(r.Faithfulness!.Spearman.Values, rho => Assert.InRange(rho, -1, 1));
        Assert.Contains("forward", r.TimingsMs.Keys);
        Assert.Contains("flow", r.TimingsMs.Keys);
    }

    [Fact]
    public void EncoderDefaultsToFirstTokenAndSkipsUnrequestedMethods()
    {
        var model = new FakeModel(causal: false, [1, 2, 3], classifier: true);
        var r = Analyzer.Analyze(model, new ForwardInput([1, 2, 3]), new AnalysisOptions { Methods = new HashSet<AnalysisMethod> { AnalysisMethod.Flow } });
        Assert.Equal(0, r.Target);
        Assert.Null(r.Attention);
        Assert.Null(r.Influence);
        Assert.Null(r.ValueNorms);
        Assert.Null(r.Faithfulness);
        // Uniform attention, 2 layers: Â = ⅙ everywhere + ½ on the diagonal (⅔ diagonal, ⅙ off).
        // From (2, 0): to token 0 all of 1 arrives (⅔ via (1,0), ⅙ + ⅙ via the others);
        // to token 1 only ⅙ per route (⅙ into (1,1) then ⅔ out, ⅙ via (1,0), ⅙ via (1,2)) = ½.
        // Raw [1, ½, ½] → normalised [½, ¼, ¼].
        Assert.Equal(new[] { 1, 0.5, 0.5 }, r.Flow!.Raw.Select(v => Math.Round(v, 6)));
        Assert.Equal(new[] { 0.5, 0.25, 0.25 }, r.Flow.Normalised.Select(v => Math.Round(v, 6)));
    }

    [Fact]
    public void FlowMatchesTheFlowLibraryOnTheSameAttention()
    {
        var model = new FakeModel(causal: true, [1, 2, 3, 4, 5], layers: 3);
        var input = new ForwardInput([1, 2, 3, 4, 5]);
        var r = Analyzer.Analyze(model, input, new AnalysisOptions { Target = 2 });
        var f = model.Forward(input);
        var graph = LayeredAttention.FromAttention<float>(f.Attentions, AttentionShape.Create(3, 2, 5), new ReductionOptions(Causal: true));
        var raw = AttentionFlow.RawForTarget(graph, 2);
        Assert.Equal(raw, r.Flow!.Raw);
        Assert.Equal(0, r.Flow.Raw[3]);
        Assert.Equal(0, r.Flow.Raw[4]);
    }

    [Fact]
    public void TooManyTokensIsRefused()
    {
        var e = Assert.Throws<AnalysisException>(() => Analyzer.Analyze(new FakeModel(false, [1, 1, 1]), new ForwardInput([1, 2, 3]), new AnalysisOptions { MaxTokens = 2 }));
        Assert.Contains("at most 2", e.Message);
    }

    [Fact]
    public void TargetOutOfRangeIsRefused() =>
        Assert.Contains("0..2", Assert.Throws<AnalysisException>(() => Analyzer.Analyze(new FakeModel(false, [1, 1, 1]), new ForwardInput([1, 2, 3]), new AnalysisOptions { Target = 3 })).Message);

    [Fact]
    public void BadInfluenceParametersAreRefusedBeforeTheForwardPass()
    {
        var model = new FakeModel(false, [1, 1, 1]);
        Assert.Contains("τ", Assert.Throws<AnalysisException>(() => Analyzer.Analyze(model, new ForwardInput([1, 2, 3]), new AnalysisOptions { Tau = 0 })).Message);
        Assert.Equal(0, model.Calls);
    }

    [Fact]
    public void CancellationIsHonoured()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => Analyzer.Analyze(new FakeModel(false, [1, 1, 1]), new ForwardInput([1, 2, 3]), Everything, cts.Token));
    }

    [Fact]
    public void ReceptiveFieldNormalisationReweightsCausalScores()
    {
        var model = new FakeModel(causal: true, [1, 1, 1]);
        var plain = Analyzer.Analyze(model, new ForwardInput([1, 2, 3]), new AnalysisOptions());
        var normalised = Analyzer.Analyze(model, new ForwardInput([1, 2, 3]), new AnalysisOptions { ReceptiveFieldNormalisation = true });
        var expected = plain.Flow!.Normalised.ToArray();
        ReceptiveField.Normalise(expected, 2);
        Assert.Equal(expected, normalised.Flow!.Normalised);
        Assert.NotEqual(plain.Flow.Normalised, normalised.Flow.Normalised);
    }
}
