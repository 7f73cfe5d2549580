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
            var result = Analyzer.Analyze(model, new ForwardInput(ids), new AnalysisOptions { Methods = new HashSet<AnalysisMethod>(AnalysisMethod.All) });
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
