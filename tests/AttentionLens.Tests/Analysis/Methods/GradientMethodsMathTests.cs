using AttentionLens.Analysis;
using AttentionLens.Models;

namespace AttentionLens.Tests.Analysis.Methods;

/// <summary>
/// The gradient methods' arithmetic on <see cref="AnalyticGradientModel"/>, whose gradients are known in
/// closed form: each expectation below is computed from the double's formulas (s, K, dy/ds), not from
/// the method code. The models' own gradients are checked against PyTorch autograd in
/// <c>GradientMethodGoldenTests</c>. Tolerance: 1e-5 relative (the double hands back float32 gradients).
/// </summary>
public class GradientMethodsMathTests
{
    private static readonly int[] Ids = [1, 4, 2, 6, 3];

    private static AnalysisResult Run(AnalyticGradientModel model, AnalysisOptions options) =>
        Analyzer.Analyze(model, new ForwardInput(Ids), options);

    private static AnalysisOptions With(params string[] methods) =>
        new() { Methods = methods.Select(m => new AnalysisMethod(m)).ToHashSet() };

    /// <summary>The classifier's explained label: argmax of [exp(s_0), −s_0/2].</summary>
    private static (double S, int Label, float[] E) Classifier(AnalyticGradientModel model)
    {
        var e = model.Embeddings(Ids);
        double s = model.S(e, 0, Ids.Length);
        return (s, Math.Exp(s) > -s / 2 ? 0 : 1, e);
    }

    private static void Close(double expected, double actual, double tolerance = 1e-5, string where = "")
    {
        double diff = Math.Abs(expected - actual);
        Assert.True(diff <= tolerance * Math.Max(1, Math.Abs(expected)), $"{where}: expected {expected:R}, got {actual:R} (diff {diff:E2})");
    }

    [Fact]
    public void SaliencyIsTheGradientNormPerToken()
    {
        var model = new AnalyticGradientModel();
        var (s, k, _) = Classifier(model);
        var scores = Run(model, With("saliency")).Scores["saliency"];
        double wNorm = Math.Sqrt(AnalyticGradientModel.W.Sum(w => w * w));
        for (int j = 0; j < Ids.Length; j++)
            Close(Math.Abs(AnalyticGradientModel.DyDs(s, k, null) * model.K(0, j, Ids.Length)) * wNorm, scores[j], where: $"token {j}");
    }

    [Fact]
    public void InputXGradientIsTheSignedDotProductOverTheHiddenDimension()
    {
        var model = new AnalyticGradientModel();
        var (s, k, e) = Classifier(model);
        var result = Run(model, With("inputXGradient"));
        var scores = result.Scores["inputXGradient"];
        for (int j = 0; j < Ids.Length; j++)
            Close(AnalyticGradientModel.DyDs(s, k, null) * model.K(0, j, Ids.Length) * AnalyticGradientModel.Project(e, j), scores[j], where: $"token {j}");
        Assert.Contains(scores, v => v < 0);
        Close(k == 0 ? Math.Exp(s) : -s / 2, result.Gradients["inputXGradient"].Value, where: "y");
    }

    [Theory]
    [InlineData(8)]
    [InlineData(64)]
    public void IntegratedGradientsWithTheZeroBaselineIsTheMidpointSumAndReportsItsCompletenessGap(int steps)
    {
        var model = new AnalyticGradientModel();
        var (s, k, e) = Classifier(model);
        var result = Run(model, With("integratedGradients") with { IgSteps = steps });
        var scores = result.Scores["integratedGradients"];
        // Along x′ + α(x − x′) with x′ = 0, s(α) = α·s: ∂y/∂e_j = y′(α s)·K_j·w.
        double mean = Enumerable.Range(1, steps).Average(q => AnalyticGradientModel.DyDs((q - 0.5) / steps * s, k, null));
        for (int j = 0; j < Ids.Length; j++)
            Close(AnalyticGradientModel.Project(e, j) * model.K(0, j, Ids.Length) * mean, scores[j], where: $"token {j}");
        double f(double u) => k == 0 ? Math.Exp(u) : -u / 2;
        var detail = result.Gradients["integratedGradients"];
        Assert.Equal("zero", detail.Baseline);
        Assert.Equal(steps, detail.Steps);
        Assert.Equal("midpoint", detail.Rule);
        Close(f(0), detail.BaselineValue!.Value, where: "f(x′)");
        Close(s * mean - (f(s) - f(0)), detail.CompletenessGap!.Value, where: "gap");
        Close(scores.Sum(), detail.AttributionSum!.Value, where: "Σ a");
        Assert.Equal(steps + 2, model.GradientCalls);
        if (steps == 64) Assert.True(Math.Abs(detail.RelativeGap!.Value) < 1e-3, $"relative gap {detail.RelativeGap}");
    }

    [Fact]
    public void IntegratedGradientsWithAPadBaselineStartsFromThatTokensEmbeddingEverywhere()
    {
        var model = new AnalyticGradientModel();
        var (s, k, e) = Classifier(model);
        const int pad = 7, steps = 16;
        var result = Run(model, With("integratedGradients") with { IgSteps = steps, IgBaseline = IntegratedGradientsBaseline.Pad, IgBaselineTokenId = pad });
        var baseline = model.Embeddings(Enumerable.Repeat(pad, Ids.Length).ToArray());
        double s0 = model.S(baseline, 0, Ids.Length);
        double mean = Enumerable.Range(1, steps).Average(q => AnalyticGradientModel.DyDs(s0 + (q - 0.5) / steps * (s - s0), k, null));
        var scores = result.Scores["integratedGradients"];
        for (int j = 0; j < Ids.Length; j++)
            Close((AnalyticGradientModel.Project(e, j) - AnalyticGradientModel.Project(baseline, j)) * model.K(0, j, Ids.Length) * mean, scores[j], where: $"token {j}");
        Assert.Equal("pad", result.Gradients["integratedGradients"].Baseline);
    }

    [Fact]
    public void IntegratedGradientsRefusesAPadBaselineWithoutItsTokenAndTooManySteps()
    {
        var model = new AnalyticGradientModel();
        var e = Assert.Throws<AnalysisException>(() => Run(model, With("integratedGradients") with { IgBaseline = IntegratedGradientsBaseline.Pad }));
        Assert.Contains("IgBaselineTokenId", e.Message);
        Assert.Throws<AnalysisException>(() => Run(model, With("integratedGradients") with { IgSteps = 0 }));
        var result = Run(model, With("integratedGradients") with { IgSteps = 50, MaxExtraPasses = 20 });
        Assert.Contains("MaxExtraPasses", result.Unavailable["integratedGradients"]);
    }

    [Fact]
    public void AttentionXGradientSumsAttentionTimesItsGradientOverQueriesHeadsAndLayers()
    {
        var model = new AnalyticGradientModel(layers: 2, heads: 3);
        var (s, k, e) = Classifier(model);
        var result = Run(model, With("attentionXGradient"));
        double dyds = AnalyticGradientModel.DyDs(s, k, null);
        int T = Ids.Length;
        var detail = result.Gradients["attentionXGradient"];
        var byLayer = result.ScoresByLayer["attentionXGradient"];
        for (int j = 0; j < T; j++)
        {
            double total = 0;
            for (int l = 0; l < 2; l++)
            {
                double layer = 0;
                for (int h = 0; h < 3; h++)
                {
                    // Only row 0 (the classified token) reaches y: A[0, j]·c_lh·(w·e_j)·dy/ds.
                    double head = model.Attention(l, h, 0, j, T) * AnalyticGradientModel.HeadWeight(l, h) * AnalyticGradientModel.Project(e, j) * dyds;
                    Close(head, detail.HeadScores![l * 3 + h, j], where: $"layer {l} head {h} token {j}");
                    layer += head;
                }
                Close(layer, byLayer[l, j], where: $"layer {l} token {j}");
                total += layer;
            }
            Close(total, result.Scores["attentionXGradient"][j], where: $"token {j}");
        }
        // A head subset restricts the reduction (not the per-head detail).
        var subset = Run(model, With("attentionXGradient") with { HeadSubset = [1] });
        for (int j = 0; j < T; j++)
            Close(Enumerable.Range(0, 2).Sum(l => detail.HeadScores![l * 3 + 1, j]), subset.Scores["attentionXGradient"][j], where: $"subset token {j}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GradRolloutAppliesCheferEquationsFiveAndSixLayerByLayer(bool lm)
    {
        var model = new AnalyticGradientModel(lm, layers: 3, heads: 2);
        int T = Ids.Length, t = lm ? T - 1 : 0;
        var result = Run(model, With("gradRollout") with { Target = t });
        var e = model.Embeddings(Ids);
        double s = model.S(e, t, T);
        var prediction = result.Prediction!;
        double dyds = lm
            ? LogProbabilityDyDs(s, prediction.Index)
            : AnalyticGradientModel.DyDs(s, prediction.Index, null);
        // The full relevancy matrix, R ← R + Ā R from R = I, with Ā_l = mean_h (A ⊙ ∇A)⁺.
        var R = new double[T, T];
        for (int i = 0; i < T; i++) R[i, i] = 1;
        for (int l = 0; l < 3; l++)
        {
            var bar = new double[T, T];
            for (int h = 0; h < 2; h++)
                for (int j = 0; j < T; j++)
                    bar[t, j] += Math.Max(0, model.Attention(l, h, t, j, T) * dyds * AnalyticGradientModel.HeadWeight(l, h) * AnalyticGradientModel.Project(e, j)) / 2;
            var next = (double[,])R.Clone();
            for (int i = 0; i < T; i++)
                for (int j = 0; j < T; j++)
                    for (int q = 0; q < T; q++) next[i, j] += bar[i, q] * R[q, j];
            R = next;
            for (int j = 0; j < T; j++) Close(R[t, j], result.ScoresByLayer["gradRollout"][l, j], where: $"layer {l} token {j}");
        }
        for (int j = 0; j < T; j++) Close(R[t, j], result.Scores["gradRollout"][j], where: $"token {j}");
        Assert.True(result.Scores["gradRollout"][t] >= 1);
    }

    /// <summary>dy/ds for y = log softmax(z)[k], z = [exp(s), −s/2].</summary>
    private static double LogProbabilityDyDs(double s, int k)
    {
        double[] z = [Math.Exp(s), -s / 2], dz = [Math.Exp(s), -0.5];
        double max = Math.Max(z[0], z[1]), lse = max + Math.Log(Math.Exp(z[0] - max) + Math.Exp(z[1] - max));
        return dz[k] - (Math.Exp(z[0] - lse) * dz[0] + Math.Exp(z[1] - lse) * dz[1]);
    }

    [Fact]
    public void TheGradientMethodsShareOneBackwardPassAndAskForAttentionGradientsOnlyWhenRead()
    {
        var model = new AnalyticGradientModel();
        Run(model, With("saliency", "inputXGradient", "attentionXGradient", "gradRollout"));
        Assert.Equal(1, model.GradientCalls);
        var plain = new AnalyticGradientModel();
        var result = Run(plain, With("saliency"));
        Assert.Equal(1, plain.GradientCalls);
        Assert.Empty(result.Unavailable);
    }

    [Fact]
    public void LanguageModelsDifferentiateTheLogProbabilityAndAContrastTheLogitDifference()
    {
        var model = new AnalyticGradientModel(lm: true);
        int T = Ids.Length;
        var result = Run(model, With("saliency"));
        var target = Assert.Single(model.Targets);
        Assert.Equal(new GradientTarget(GradientOutput.LmLogits, T - 1, result.Prediction!.Index, null, LogProbability: true), target);
        int other = 1 - result.Prediction.Index;
        var contrastive = new AnalyticGradientModel(lm: true);
        var r2 = Run(contrastive, With("saliency") with { Prediction = new PredictionChoice(Contrast: other) });
        Assert.Equal(new GradientTarget(GradientOutput.LmLogits, T - 1, result.Prediction.Index, other), Assert.Single(contrastive.Targets));
        double s = model.S(model.Embeddings(Ids), T - 1, T);
        double[] z = [Math.Exp(s), -s / 2];
        Close(z[result.Prediction.Index] - z[other], r2.Gradients["saliency"].Value, where: "y = z[A] − z[B]");
        Assert.Equal(other, r2.Prediction!.Contrast!.Index);
        Assert.Contains("rather than", r2.Gradients["saliency"].Quantity);
    }

    [Fact]
    public void AClassifierContrastDifferentiatesTheDifferenceOfTheTwoLabelLogits()
    {
        var model = new AnalyticGradientModel();
        var (s, k, _) = Classifier(model);
        var result = Run(model, With("saliency") with { Prediction = new PredictionChoice(Contrast: 1 - k) });
        Assert.Equal(new GradientTarget(GradientOutput.ClassifierLogits, 0, k, 1 - k), Assert.Single(model.Targets));
        double wNorm = Math.Sqrt(AnalyticGradientModel.W.Sum(w => w * w));
        for (int j = 0; j < Ids.Length; j++)
            Close(Math.Abs(AnalyticGradientModel.DyDs(s, k, 1 - k) * model.K(0, j, Ids.Length)) * wNorm, result.Scores["saliency"][j], where: $"token {j}");
        Assert.Equal(result.Prediction!.Alternatives.First(a => a.Index == 1 - k).Label, result.Prediction.Contrast!.Label);
    }

    [Fact]
    public void AModelWithoutABackwardPassReportsEveryGradientMethodUnavailableAndRunsTheRest()
    {
        var model = new FakeModel(causal: false, [0.3, 0.5, 0.2], classifier: true);
        var names = new[] { "saliency", "inputXGradient", "integratedGradients", "attentionXGradient", "gradRollout" };
        var result = Analyzer.Analyze(model, new ForwardInput([1, 2, 3]), With([.. names, "attention"]));
        Assert.Equal(names.Order(), result.Unavailable.Keys.Order());
        Assert.All(result.Unavailable.Values, why => Assert.Contains("IDifferentiableModel", why));
        Assert.True(result.Scores.ContainsKey("attention"));
    }

    [Fact]
    public void GradientMethodsAreNotInTheDefaultMethodSet()
    {
        var defaults = new AnalysisOptions().Methods.Select(m => m.Name).ToHashSet();
        foreach (var m in MethodRegistry.All.Where(m => m.Needs.HasFlag(MethodNeeds.Gradients)))
            Assert.DoesNotContain(m.Name, defaults);
    }
}
