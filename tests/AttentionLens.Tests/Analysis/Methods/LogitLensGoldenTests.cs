using System.Text.Json;
using AttentionLens.Analysis;
using AttentionLens.Models;

namespace AttentionLens.Tests.Analysis.Methods;

/// <summary>
/// The logit lens against transformers' hidden states pushed through the model's own final norm and
/// head (tests/goldens/methods/logitLens.json, written by make_logit_lens.py): the top-5 ids per layer
/// equal, and the probabilities agree within 1e-5 (our fp32 forward differs from torch's by ~1e-6).
/// Covers the masked LMs, GPT-2, the Llama family (Llama, Mistral, Qwen2, stories260K) and every
/// decoder family under DecoderTaskModel (GPT-NeoX, OPT pre-/post-norm with project_out, Phi, Phi-3,
/// Gemma, Gemma 2 with its final soft-cap, OLMo 2) on the tests/goldens/decoders checkpoints.
/// </summary>
public class LogitLensGoldenTests
{
    private const double Tolerance = 1e-5;

    public static TheoryData<string> Cases() => MethodGoldens.Cases("logitLens");

    [Theory]
    [MemberData(nameof(Cases))]
    public void EqualsTransformersHiddenStatesThroughTheHead(string caseName)
    {
        var c = MethodGoldens.Case("logitLens", caseName);
        var model = MethodGoldens.LoadModel(c);
        var input = new ForwardInput(MethodGoldens.Ids(c));
        var options = new AnalysisOptions { Methods = new HashSet<AnalysisMethod> { new("logitLens") }, TopK = 5 };
        var forward = model.Forward(input, Analyzer.ForwardOptionsFor(options));
        double worst = 0;
        string where = "";
        foreach (var t in c.GetProperty("targets").EnumerateObject())
        {
            int target = int.Parse(t.Name);
            var lens = Analyzer.AnalyzeForward(model, input, forward, options with { Target = target }).LogitLens!;
            Assert.Equal(t.Value.GetProperty("predicted").GetInt32(), lens.Predicted);
            var layers = t.Value.GetProperty("layers");
            Assert.Equal(layers.GetArrayLength(), lens.Layers.Count);
            for (int l = 0; l < lens.Layers.Count; l++)
            {
                var expected = layers[l];
                var got = lens.Layers[l];
                var ids5 = expected.GetProperty("topIds").EnumerateArray().Select(e => e.GetInt32()).ToArray();
                var p5 = expected.GetProperty("topProbabilities").EnumerateArray().Select(e => e.GetDouble()).ToArray();
                for (int i = 0; i < ids5.Length; i++)
                {
                    // An id swap is only acceptable between two (nearly) equally probable tokens.
                    if (got.TopIds[i] != ids5[i])
                        Assert.True(Math.Abs(p5[i] - got.TopProbabilities[i]) <= Tolerance, $"{caseName} target {target} layer {l}: top-{i + 1} is {got.TopIds[i]}, transformers says {ids5[i]}");
                    double d = Math.Abs(got.TopProbabilities[i] - p5[i]);
                    if (d > worst) (worst, where) = (d, $"target {target}, layer {l}, top-{i + 1}");
                }
                double dp = Math.Abs(got.PredictedProbability - expected.GetProperty("predictedProbability").GetDouble());
                if (dp > worst) (worst, where) = (dp, $"target {target}, layer {l}, predicted-token probability");
            }
        }
        Assert.True(worst <= Tolerance, $"{caseName}: worst difference {worst:G3} at {where} (tolerance {Tolerance})");
    }

    [Fact]
    public void DecoderClassifiersReportTheLensUnavailable()
    {
        // The same DecoderTaskModel that gives the causal LMs their lens, with a classifier head.
        var model = ModelLoader.Load(Path.Combine(SharedData.RepositoryRoot, "tests", "goldens", "decoders", "phi_seqcls"));
        Assert.IsAssignableFrom<ILogitLens>(model);
        var result = Analyzer.Analyze(model, new ForwardInput([5, 17, 23, 9]), new AnalysisOptions { Methods = new HashSet<AnalysisMethod> { new("logitLens") } });
        Assert.Null(result.LogitLens);
        Assert.Contains("head", result.Unavailable["logitLens"]);
        Assert.Throws<AttentionLensException>(() => ((ILogitLens)model).LensLogits(new float[model.Info.HiddenSize], 1));
    }

    [Fact]
    public void EncodersWithoutAnLmHeadReportTheLensUnavailable()
    {
        var model = ModelLoader.Load(SharedData.Path("golden", "hf", "bert"));
        var result = Analyzer.Analyze(model, new ForwardInput([2, 66, 37, 3]), new AnalysisOptions { Methods = new HashSet<AnalysisMethod> { new("logitLens") } });
        Assert.Null(result.LogitLens);
        Assert.Contains("head", result.Unavailable["logitLens"]);
    }
}
