using AttentionLens.Analysis;
using AttentionLens.Models;
using AttentionLens.Tests.Models;

namespace AttentionLens.Tests.Analysis;

/// <summary>
/// Every golden model (each encoder and decoder family × head) goes through the plug-in analyzer with
/// every registered method and faithfulness: each method either returns T finite scores or says why it
/// is unavailable (the post-norm-only methods on the other families), the prediction is the head's, and
/// faithfulness measures that prediction. Guards the merge of the model zoo with the method plug-ins.
/// </summary>
public sealed class EveryHeadAnalysisTests
{
    public static TheoryData<string> Models() => GoldenModelFolders.All();

    [Theory]
    [MemberData(nameof(Models))]
    public void EveryMethodRunsOrSaysWhyNot(string dir)
    {
        var model = ModelLoader.Load(dir);
        var info = model.Info;
        int[] ids = [2, 17, 41, 9, 33, 12, 3];
        var all = MethodRegistry.All.Select(m => new AnalysisMethod(m.Name)).Append(AnalysisMethod.Faithfulness).ToHashSet();
        var result = Analyzer.Analyze(model, new ForwardInput(ids), new AnalysisOptions { Methods = all, Target = info.Head == ModelHead.QuestionAnswering ? null : info.IsCausal ? ids.Length - 1 : 1 });
        var name = Path.GetFileName(dir);
        foreach (var method in MethodRegistry.All.Where(m => m.ScoresTokens))
        {
            if (result.Unavailable.TryGetValue(method.Name, out var why))
            {
                Assert.False(string.IsNullOrWhiteSpace(why), $"{name}: {method.Name} unavailable without a reason");
                continue;
            }
            Assert.True(result.Scores.TryGetValue(method.Name, out var s), $"{name}: {method.Name} neither ran nor said why");
            Assert.Equal(ids.Length, s!.Length);
            Assert.All(s, v => Assert.True(double.IsFinite(v), $"{name}: {method.Name} gave {v}"));
        }
        if (info.Head == ModelHead.Base)
        {
            Assert.Null(result.Prediction);
            return;
        }
        var p = result.Prediction;
        Assert.NotNull(p);
        Assert.Equal(info.Head == ModelHead.CausalLM && !info.IsCausal ? ModelHead.MaskedLM : info.Head, p!.Head);
        Assert.NotNull(result.Faithfulness);
        Assert.Equal(p.Description, result.Faithfulness!.TargetDescription);
        if (p.Head == ModelHead.QuestionAnswering) Assert.Equal(p.Span!.Value.Start, result.Target);
    }
}
