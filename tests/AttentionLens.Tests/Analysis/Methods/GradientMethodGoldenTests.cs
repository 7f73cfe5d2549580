using System.Text.Json;
using AttentionLens.Analysis;
using AttentionLens.Models;

namespace AttentionLens.Tests.Analysis.Methods;

/// <summary>
/// The gradient methods on real tiny models against PyTorch autograd through <c>transformers</c> (float64):
/// tests/goldens/gradients-methods/methods.json, written by make_methods.py beside it. Saliency, input ×
/// gradient, integrated gradients (same path: zero and pad baselines, 16 midpoint steps; with f(x) and
/// f(x′)), attention × gradient (and per layer) and gradient-weighted rollout — the last computed there by
/// Chefer et al.'s own rule functions on autograd's gradients — for a causal LM (GPT-2, LLaMA), a masked LM
/// and a sequence classifier (BERT), plain and contrastive. Tolerance: 1e-4 relative to the reference
/// vector's largest magnitude (our pass is float32); failures print the worst difference and where.
/// </summary>
public class GradientMethodGoldenTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;
    private static readonly string[] Methods = ["saliency", "inputXGradient", "integratedGradients", "attentionXGradient", "gradRollout"];

    private static JsonElement Root { get; } = JsonDocument.Parse(File.ReadAllText(Path.Combine(SharedData.RepositoryRoot, "tests", "goldens", "gradients-methods", "methods.json"))).RootElement;

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in Root.GetProperty("cases").EnumerateObject()) data.Add(c.Name);
        return data;
    }

    private static double[] Vector(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    private void Compare(string what, double[] expected, ReadOnlySpan<double> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = Math.Max(expected.Max(Math.Abs), 1e-12), worst = 0;
        int at = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = Math.Abs(expected[i] - actual[i]) / scale;
            if (d > worst) { worst = d; at = i; }
        }
        output.WriteLine($"{what}: worst relative difference {worst:E2} at {at}");
        Assert.True(worst <= Tolerance, $"{what}: worst relative difference {worst:E2} at {at} (reference {expected[at]:R}, ours {actual[at]:R}; scale {scale:E2})");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GradientMethodsEqualAutogradThroughTransformers(string name)
    {
        var c = Root.GetProperty("cases").GetProperty(name);
        var model = MethodGoldens.LoadModel(c);
        Assert.IsAssignableFrom<IDifferentiableModel>(model);
        var ids = c.GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        int steps = Root.GetProperty("steps").GetInt32();
        int? contrast = c.GetProperty("contrast").ValueKind == JsonValueKind.Null ? null : c.GetProperty("contrast").GetInt32();
        var options = new AnalysisOptions
        {
            Methods = Methods.Select(m => new AnalysisMethod(m)).ToHashSet(),
            Target = c.GetProperty("target").GetInt32(),
            IgSteps = steps,
            Prediction = contrast is null ? null : new PredictionChoice(Contrast: contrast),
            Residual = false,
        };
        var result = Analyzer.Analyze(model, new ForwardInput(ids), options);
        Assert.Empty(result.Unavailable);
        Assert.Equal(c.GetProperty("explained").GetInt32(), result.Prediction!.Index);
        double value = c.GetProperty("value").GetDouble();
        Assert.True(Math.Abs(result.Gradients["saliency"].Value - value) <= Tolerance * Math.Max(1, Math.Abs(value)), $"y: reference {value}, ours {result.Gradients["saliency"].Value}");

        Compare($"{name} saliency", Vector(c.GetProperty("saliency")), result.Scores["saliency"]);
        Compare($"{name} inputXGradient", Vector(c.GetProperty("inputXGradient")), result.Scores["inputXGradient"]);
        Compare($"{name} attentionXGradient", Vector(c.GetProperty("attentionXGradient").GetProperty("scores")), result.Scores["attentionXGradient"]);
        Compare($"{name} gradRollout", Vector(c.GetProperty("gradRollout").GetProperty("scores")), result.Scores["gradRollout"]);
        var axgLayers = c.GetProperty("attentionXGradient").GetProperty("byLayer").EnumerateArray().ToArray();
        var rolloutLayers = c.GetProperty("gradRollout").GetProperty("byLayer").EnumerateArray().ToArray();
        int T = ids.Length;
        for (int l = 0; l < axgLayers.Length; l++)
        {
            Compare($"{name} attentionXGradient layer {l + 1}", Vector(axgLayers[l]), result.ScoresByLayer["attentionXGradient"].Data.AsSpan(l * T, T));
            Compare($"{name} gradRollout layer {l + 1}", Vector(rolloutLayers[l]), result.ScoresByLayer["gradRollout"].Data.AsSpan(l * T, T));
        }

        foreach (var baseline in c.GetProperty("integratedGradients").EnumerateObject())
        {
            var ig = baseline.Value;
            var run = baseline.Name == "zero" ? result : Analyzer.Analyze(model, new ForwardInput(ids), options with
            {
                Methods = new HashSet<AnalysisMethod> { new("integratedGradients") },
                IgBaseline = IntegratedGradientsBaseline.Pad,
                IgBaselineTokenId = ig.GetProperty("baseline_token_id").GetInt32(),
            });
            Compare($"{name} integratedGradients ({baseline.Name} baseline)", Vector(ig.GetProperty("scores")), run.Scores["integratedGradients"]);
            var detail = run.Gradients["integratedGradients"];
            double fb = ig.GetProperty("f_baseline").GetDouble();
            Assert.True(Math.Abs(detail.BaselineValue!.Value - fb) <= Tolerance * Math.Max(1, Math.Abs(fb)), $"f(x′): reference {fb}, ours {detail.BaselineValue}");
            // The gap is reported as the reference's own: Σ a − (f(x) − f(x′)), both sides from the same definitions.
            double refGap = Vector(ig.GetProperty("scores")).Sum() - (ig.GetProperty("f_input").GetDouble() - fb);
            double scale = Math.Max(1, Math.Abs(ig.GetProperty("f_input").GetDouble() - fb));
            Assert.True(Math.Abs(detail.CompletenessGap!.Value - refGap) <= 10 * Tolerance * scale, $"completeness gap: reference {refGap}, ours {detail.CompletenessGap}");
        }
    }
}
