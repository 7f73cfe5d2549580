using System.Text.Json;
using AttentionLens.Analysis;
using AttentionLens.Models;

namespace AttentionLens.Tests.Analysis.Methods;

/// <summary>
/// Value zeroing on the decoders against inseq's implementation (inseq-team/inseq,
/// inseq/attr/feat/ops/value_zeroing.py), run read-only by tests/goldens/methods/make_value_zeroing_decoders.py
/// on the tiny GPT-2, LLaMA, Mistral, Qwen2, GPT-NeoX (parallel and sequential), Phi, Phi-3, Gemma,
/// OLMo 2 and OPT (pre-norm "opt", post-norm "opt_qa" read through its OPTForCausalLM body) checkpoints: every entry of every layer's (T × T)
/// matrix before roll-out (rows i ≥ j; inseq leaves i &lt; j undefined, we hold 0 there). inseq casts
/// both states to float32 before its cosine, whose rounding of 1 − cos on rows of small distances
/// reaches ~2.5e-5 after normalisation; so the golden also holds the same inseq run with the cosine in
/// float64 ("layersFloat64Cosine"), compared at 1e-5, and inseq's own float32 result at 5e-5.
/// </summary>
public sealed class ValueZeroingDecoderGoldenTests
{
    private const double Tolerance = 1e-5;
    private const string Golden = "valueZeroing.decoders";

    private const double Float32Tolerance = 5e-5;

    public static TheoryData<string, string, double> Cases()
    {
        var data = new TheoryData<string, string, double>();
        foreach (var name in MethodGoldens.CaseNames(Golden))
        {
            data.Add(name, "layersFloat64Cosine", Tolerance);
            data.Add(name, "layers", Float32Tolerance);
        }
        return data;
    }

    /// <param name="key">"layers" (inseq as is) or "layersFloat64Cosine" (its cosine in float64).</param>
    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesInseq(string caseName, string key, double tolerance)
    {
        var c = MethodGoldens.Case(Golden, caseName);
        var model = MethodGoldens.LoadModel(c);
        var ids = MethodGoldens.Ids(c);
        var input = new ForwardInput(ids);
        int T = ids.Length;
        var forward = model.Forward(input, new ForwardOptions { ComputeLogits = false });
        var ours = ValueZeroingMethod.LayerContributions(model, input, forward, CancellationToken.None);
        var layers = c.GetProperty(key);
        Assert.Equal(layers.GetArrayLength(), ours.Length);
        double worst = 0;
        string where = "";
        for (int l = 0; l < ours.Length; l++)
            for (int i = 0; i < T; i++)
                for (int j = 0; j < T; j++)
                {
                    var e = layers[l][i][j];
                    if (j > i)
                    {
                        Assert.Equal(JsonValueKind.Null, e.ValueKind);
                        Assert.Equal(0, ours[l][i * T + j]);
                        continue;
                    }
                    double d = Math.Abs(ours[l][i * T + j] - e.GetDouble());
                    if (d > worst) (worst, where) = (d, $"layer {l}, position {i}, zeroed token {j}");
                }
        Assert.True(worst <= tolerance, $"value zeroing on {caseName} ({key}): worst difference {worst:G3} at {where} (tolerance {tolerance})");
    }

    /// <summary>Through the analyzer: available on the causal LM, and its scores are the roll-out of the
    /// per-layer matrices for the last position (what the panels show).</summary>
    [Theory]
    [InlineData("gpt2")]
    [InlineData("llama")]
    public void AnalyzerRollsTheMatricesOut(string caseName)
    {
        var c = MethodGoldens.Case(Golden, caseName);
        var model = MethodGoldens.LoadModel(c);
        var ids = MethodGoldens.Ids(c);
        int T = ids.Length;
        var result = Analyzer.Analyze(model, new ForwardInput(ids), new AnalysisOptions { Methods = new HashSet<AnalysisMethod> { new("valueZeroing") }, Target = T - 1 });
        Assert.False(result.Unavailable.ContainsKey("valueZeroing"), result.Unavailable.GetValueOrDefault("valueZeroing"));
        var layers = c.GetProperty("layersFloat64Cosine");
        var reference = Enumerable.Range(0, layers.GetArrayLength()).Select(l =>
        {
            var m = new double[T * T];
            for (int i = 0; i < T; i++)
                for (int j = 0; j <= i; j++) m[i * T + j] = layers[l][i][j].GetDouble();
            return m;
        }).ToArray();
        var (expected, _) = ResidualDecomposition.Roll(reference, T, T - 1, CancellationToken.None);
        var scores = result.Scores["valueZeroing"];
        double worst = Enumerable.Range(0, T).Max(j => Math.Abs(scores[j] - expected[j]));
        Assert.True(worst <= Tolerance, $"value zeroing roll-out on {caseName}: worst difference {worst:G3} (tolerance {Tolerance})");
    }
}
