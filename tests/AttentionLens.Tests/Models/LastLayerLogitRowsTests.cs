using AttentionLens.Analysis;
using AttentionLens.Models;

namespace AttentionLens.Tests.Models;

/// <summary>
/// <see cref="ForwardOptions.LastLayerLogitRowsOnly"/> on the golden causal LMs (LLaMA in float32 and
/// bf16, Mistral with its 16-token sliding window, Qwen2 with q/k/v biases, GPT-2 in float32 and f16):
/// the requested rows' logits equal those of the full forward (the last layer's output projection and
/// MLP then multiply R rows instead of T, so the GEMM may sum in another order: within 1e-6 of the
/// row's largest logit), every attention and every hidden state but the final one are bit-identical,
/// the final state holds the requested rows and zeros elsewhere; and whatever reads the final state at
/// every row still gets it (the residual stream, a pass without LogitRows).
/// </summary>
public class LastLayerLogitRowsTests
{
    public static TheoryData<string> Models => new() { "llama", "llama_bf16", "mistral", "qwen2", "gpt2", "gpt2_fp16" };

    private static string Dir(string name) => name is "mistral" or "qwen2"
        ? Path.Combine(SharedData.RepositoryRoot, "tests", "goldens", "decoders", name)
        : SharedData.Path("golden", "hf", name);

    private static (ITransformerModel Model, ForwardInput Input) Load(string name)
    {
        var model = ModelLoader.Load(Dir(name));
        // 20 tokens: past Mistral's sliding window, so the last layer's attention is banded.
        int t = Math.Min(20, model.Info.MaxPositions);
        return (model, new ForwardInput(Enumerable.Range(0, t).Select(i => (i * 7 + 3) % model.Info.VocabSize).ToArray()));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Logit_rows_and_attentions_equal_the_full_forward(string name)
    {
        var (model, input) = Load(name);
        int t = input.Length, c = model.Info.HiddenSize, v = model.Info.VocabSize, layers = model.Info.Layers;
        var full = model.Forward(input, new ForwardOptions());
        int[] rows = [t - 1, 2, t - 1];
        var some = model.Forward(input, new ForwardOptions { LogitRows = rows, LastLayerLogitRowsOnly = true });
        Assert.Equal(rows, some.LogitRows);
        foreach (int r in rows)
        {
            var expected = full.Logits.AsSpan(r * v, v);
            double scale = Math.Max(1, expected.ToArray().Max(x => Math.Abs((double)x)));
            Tensors.KernelAssert.Close(expected, some.LogitsAt(r), _ => 1e-6 * scale, $"{name} logits of row {r}");
        }
        Assert.Equal(full.Attentions, some.Attentions);
        Assert.Equal(full.HiddenStates.AsSpan(0, layers * t * c).ToArray(), some.HiddenStates.AsSpan(0, layers * t * c).ToArray());
        var final = some.HiddenStates.AsSpan(layers * t * c, t * c);
        for (int i = 0; i < t; i++)
        {
            var row = final.Slice(i * c, c);
            if (rows.Contains(i))
                Tensors.KernelAssert.Close(full.HiddenStates.AsSpan((layers * t + i) * c, c), row, _ => 1e-6, $"{name} final state of row {i}");
            else
                Assert.True(row.IndexOfAnyExcept(0f) < 0, $"{name}: final state of row {i} was not computed and should be zero");
        }
    }

    [Theory]
    [InlineData("llama")]
    [InlineData("gpt2")]
    public void Readers_of_every_final_row_still_get_them(string name)
    {
        var (model, input) = Load(name);
        int t = input.Length;
        var full = model.Forward(input, new ForwardOptions { CaptureResidualStream = true });
        // The residual stream keeps the last layer's output at every row: the option is ignored.
        var stream = model.Forward(input, new ForwardOptions { CaptureResidualStream = true, LogitRows = [t - 1], LastLayerLogitRowsOnly = true });
        Assert.Equal(full.HiddenStates, stream.HiddenStates);
        Assert.Equal(full.ResidualStream!.PostStates, stream.ResidualStream!.PostStates);
        // Without LogitRows every row is asked for.
        var all = model.Forward(input, new ForwardOptions { LastLayerLogitRowsOnly = true });
        Assert.Equal(full.HiddenStates, all.HiddenStates);
        Assert.Equal(full.Logits, all.Logits);
    }

    [Fact]
    public void Occlusion_passes_ask_for_the_target_row_of_the_last_layer_alone()
    {
        var (model, _) = Load("llama");
        var options = Occlusion.OptionsFor(model, 4);
        Assert.Equal([4], options.LogitRows!);
        Assert.True(options.LastLayerLogitRowsOnly);
        // The analysis pass keeps every row (the server re-targets a kept pass).
        Assert.False(Analyzer.ForwardOptionsFor(new AnalysisOptions()).LastLayerLogitRowsOnly);
    }

    [Theory]
    [InlineData("llama")]
    [InlineData("gpt2")]
    public void A_one_shot_analysis_of_a_causal_LM_equals_one_on_the_full_pass(string name)
    {
        var (model, input) = Load(name);
        var options = new AnalysisOptions
        {
            Methods = new HashSet<AnalysisMethod> { AnalysisMethod.Rollout, AnalysisMethod.Attention, new("flow"), new("influence"), new("valueNorms"), new("logitLens") },
            Target = input.Length - 3,
        };
        Assert.True(Analyzer.TargetRowOnly(model.Info, options));
        var oneShot = Analyzer.Analyze(model, input, options);
        Assert.Equal([input.Length - 3], oneShot.Forward!.LogitRows!);
        var kept = Analyzer.AnalyzeForward(model, input, model.Forward(input, Analyzer.ForwardOptionsFor(options, model.Info, input.Length)), options);
        Assert.Null(kept.Forward!.LogitRows);
        var (a, b) = (oneShot.Prediction!, kept.Prediction!);
        Assert.Equal(b.Index, a.Index);
        Assert.True(Math.Abs(a.Probability - b.Probability) <= 1e-6, $"{name}: probability {a.Probability} vs {b.Probability}");
        Assert.Equal(b.Alternatives.Select(x => x.Index), a.Alternatives.Select(x => x.Index));
        foreach (var (method, scores) in kept.Scores)
            Assert.Equal(scores, oneShot.Scores[method]);
        Assert.Equal(kept.LogitLens!.Predicted, oneShot.LogitLens!.Predicted);
        for (int l = 0; l < kept.LogitLens.Layers.Count; l++)
        {
            Assert.Equal(kept.LogitLens.Layers[l].TopIds, oneShot.LogitLens.Layers[l].TopIds);
            Assert.True(Math.Abs(kept.LogitLens.Layers[l].PredictedProbability - oneShot.LogitLens.Layers[l].PredictedProbability) <= 1e-6, $"{name} logit lens layer {l}");
        }
        // Value zeroing compares every layer's output at every row: the full pass.
        Assert.False(Analyzer.TargetRowOnly(model.Info, options with { Methods = new HashSet<AnalysisMethod> { new("valueZeroing") } }));
    }

    [Fact]
    public void A_row_outside_the_input_is_refused_before_the_pass()
    {
        var (model, input) = Load("llama");
        var e = Assert.ThrowsAny<AttentionLensException>(() =>
            model.Forward(input, new ForwardOptions { LogitRows = [input.Length], LastLayerLogitRowsOnly = true }));
        Assert.Contains($"logit row {input.Length}", e.Message);
    }
}
