using AttentionLens.Analysis;
using AttentionLens.Models;

namespace AttentionLens.Tests.Analysis;

/// <summary>The occlusion target score follows what the model produces (§8, Occlusion's doc).</summary>
public class OcclusionTargetChoiceTests
{
    [Theory]
    [InlineData("bert_mlm", "masked-LM log-probability")]
    [InlineData("bert", "hidden state")]
    [InlineData("gpt2", "predicted next token")]
    public void TargetScoreMatchesTheModelHead(string name, string expected)
    {
        var model = ModelLoader.Load(SharedData.Path("golden", "hf", name));
        var ids = Enumerable.Range(5, 6).ToArray();
        var result = Analyzer.Analyze(model, new ForwardInput(ids), new AnalysisOptions { Methods = new HashSet<AnalysisMethod> { AnalysisMethod.Rollout, AnalysisMethod.Flow, AnalysisMethod.Faithfulness } });
        Assert.Contains(expected, result.Faithfulness!.TargetDescription);
        Assert.Equal(model.Info.IsCausal ? 5 : 0, result.Target);
        Assert.All(result.Faithfulness.Occlusion, d => Assert.True(double.IsFinite(d)));
        Assert.All(result.Faithfulness.Spearman.Values, rho => Assert.InRange(rho, -1, 1));
    }
}
