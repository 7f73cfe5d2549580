using AttentionLens.Analysis;
using AttentionLens.Models;

namespace AttentionLens.Tests.Analysis;

/// <summary>
/// "Why A rather than B" (Yin &amp; Neubig 2022): with a contrast, occlusion and AOPC measure the logit
/// difference z[A] − z[B], checked here against full forward passes of the same model (the causal LM's
/// key/value reuse included); the summary names B; nonsense contrasts are refused naming the field.
/// </summary>
public class ContrastiveTargetTests
{
    [Fact]
    public void CausalLmOcclusionMeasuresTheLogitDifferenceLikeFullReruns()
    {
        var model = ModelLoader.Load(SharedData.Path("golden", "hf", "gpt2"));
        var ids = new[] { 5, 9, 11, 3, 7, 2 };
        int T = ids.Length, t = T - 1;
        var full = model.Forward(new ForwardInput(ids));
        var row = full.LogitsAt(t).ToArray();
        int a = Array.IndexOf(row, row.Max());
        int b = a == 0 ? 1 : 0;
        var result = Analyzer.Analyze(model, new ForwardInput(ids), new AnalysisOptions
        {
            Methods = new HashSet<AnalysisMethod> { AnalysisMethod.Rollout, AnalysisMethod.Faithfulness },
            Prediction = new PredictionChoice(Contrast: b),
        });
        double Diff(ForwardResult r) => (double)r.LogitsAt(t)[a] - r.LogitsAt(t)[b];
        double baseline = Diff(full);
        for (int j = 0; j < T; j++)
        {
            var mask = Enumerable.Repeat(1, T).ToArray();
            mask[j] = 0;
            double expected = baseline - Diff(model.Forward(new ForwardInput(ids, AttentionMask: mask)));
            Assert.True(Math.Abs(expected - result.Faithfulness!.Occlusion[j]) < 1e-4, $"token {j}: full re-run {expected}, occlusion {result.Faithfulness.Occlusion[j]}");
        }
        Assert.Contains("rather than", result.Faithfulness!.TargetDescription);
        Assert.Equal(b, result.Prediction!.Contrast!.Index);
        Assert.Equal(a, result.Prediction.Index);
    }

    [Fact]
    public void ClassifierOcclusionMeasuresTheDifferenceOfTheTwoLabelLogits()
    {
        // FakeModel's classifier logits are [s, 0]: z[0] − z[1] = s, so drops are the token weights.
        double[] w = [0.3, 0.5, 0.2];
        var model = new FakeModel(causal: false, w, classifier: true);
        var result = Analyzer.Analyze(model, new ForwardInput([1, 2, 3]), new AnalysisOptions
        {
            Methods = new HashSet<AnalysisMethod> { AnalysisMethod.Rollout, AnalysisMethod.Faithfulness },
            Prediction = new PredictionChoice(Label: 0, Contrast: 1),
        });
        for (int j = 0; j < 3; j++) Assert.Equal(w[j], result.Faithfulness!.Occlusion[j], 6);
        Assert.Equal("LABEL_1", result.Prediction!.Contrast!.Label);
        Assert.True(result.Prediction.Chosen);
    }

    [Fact]
    public void NonsenseContrastsAreRefusedNamingTheField()
    {
        var model = new FakeModel(causal: false, [0.3, 0.5, 0.2], classifier: true);
        var input = new ForwardInput([1, 2, 3]);
        AnalysisException Refused(PredictionChoice choice) => Assert.Throws<AnalysisException>(() => Analyzer.Analyze(model, input, new AnalysisOptions { Prediction = choice }));
        Assert.Contains("itself", Refused(new PredictionChoice(Label: 0, Contrast: 0)).Message);
        Assert.Contains("out of range", Refused(new PredictionChoice(Contrast: 7)).Message);
        var bare = ModelLoader.Load(SharedData.Path("golden", "hf", "bert"));
        var e = Assert.Throws<AnalysisException>(() => Analyzer.Analyze(bare, new ForwardInput([2, 66, 3]), new AnalysisOptions { Prediction = new PredictionChoice(Contrast: 1) }));
        Assert.Contains("contrast", e.Message);
    }
}
