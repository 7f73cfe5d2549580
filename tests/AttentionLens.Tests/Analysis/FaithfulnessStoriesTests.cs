using System.Text.Json;
using AttentionLens.Analysis;
using AttentionLens.Models;
using Xunit.Abstractions;

namespace AttentionLens.Tests.Analysis;

/// <summary>Faithfulness (§8) on a real trained model: stories260K on its manifest prompts.</summary>
public class FaithfulnessStoriesTests(ITestOutputHelper output)
{
    private static readonly AnalysisMethod[] Scored =
        [AnalysisMethod.Attention, AnalysisMethod.Rollout, AnalysisMethod.Flow, AnalysisMethod.Influence, AnalysisMethod.ValueNorms];

    [Fact]
    public void SpearmanRhoIsAValidNumberForEveryMethodAndPrompt()
    {
        var dir = SharedData.Path("models", "stories260K");
        var model = ModelLoader.Load(dir);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "manifest.json")));
        int cases = 0;
        foreach (var c in doc.RootElement.GetProperty("model").GetProperty("cases").EnumerateObject())
        {
            if (!c.Value.TryGetProperty("input_ids", out var idsElement) || idsElement.ValueKind != JsonValueKind.Array) continue;
            var ids = idsElement.EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var result = Analyzer.Analyze(model, new ForwardInput(ids), new AnalysisOptions { Methods = new HashSet<AnalysisMethod>(Enum.GetValues<AnalysisMethod>()) });
            var f = result.Faithfulness!;
            Assert.Equal(ids.Length, f.Occlusion.Length);
            Assert.All(f.Occlusion, d => Assert.True(double.IsFinite(d), $"{c.Name}: occlusion {d}"));
            Assert.Contains("predicted next token", f.TargetDescription);
            foreach (var method in Scored)
            {
                Assert.True(f.Spearman.TryGetValue(method, out var rho), $"{c.Name}: no ρ for {method}");
                Assert.InRange(rho, -1, 1);
                output.WriteLine($"{c.Name} (T={ids.Length}) {method}: ρ = {rho:F3}");
            }
            cases++;
        }
        Assert.Equal(3, cases);
    }
}

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
