using AttentionLens.Analysis;
using AttentionLens.Demo;
using AttentionLens.Models;
using AttentionLens.Tokenizers;

namespace AttentionLens.Tests.Analysis.Methods;

/// <summary>
/// Integrated gradients' completeness (Sundararajan et al. 2017, Prop. 1) on the bundled demo models at 64
/// midpoint steps from the zero baseline: |Σ a − (f(x) − f(x′))| stays under 1 % of |f(x) − f(x′)| — the
/// fine-tuned BERT classifier ([CLS], predicted label's logit) and GPT-2 (the verb position, log-probability
/// of the predicted token) on held-out grammar sentences. The gap printed is what the result reports.
/// </summary>
public class IntegratedGradientsCompletenessTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Theory]
    [InlineData("bert-finetuned")]
    [InlineData("gpt2")]
    public void CompletenessGapIsUnderOnePercentAtSixtyFourSteps(string name)
    {
        var models = DemoModels.Locate(null);
        var set = HeldOutSet.Load(models.HeldOut);
        var dir = name == "gpt2" ? models.Gpt2 : models.BertFinetuned;
        var model = ModelLoader.Load(dir);
        var tokenizer = TokenizerLoader.Load(dir);
        var options = new AnalysisOptions { Methods = new HashSet<AnalysisMethod> { new("integratedGradients") }, IgSteps = 64 };
        for (int s = 0; s < 4; s++)
        {
            var text = name == "gpt2" ? set.Agreement[s].PrefixBeforeVerb : set.Classification[s].Text;
            var e = tokenizer.Encode(text);
            var result = Analyzer.Analyze(model, new ForwardInput(e.Ids, e.TypeIds), options);
            var d = result.Gradients["integratedGradients"];
            output.WriteLine($"{name} «{text}»: f(x) {d.Value:F4}, f(x′) {d.BaselineValue:F4}, Σa {d.AttributionSum:F4}, gap {d.CompletenessGap:E2} ({d.RelativeGap:P3})");
            Assert.Equal(64, d.Steps);
            Assert.True(Math.Abs(d.RelativeGap!.Value) < 0.01, $"{name} «{text}»: completeness gap {d.CompletenessGap} is {d.RelativeGap:P2} of f(x) − f(x′)");
        }
    }
}
