using AttentionLens.Analysis;
using AttentionLens.Models;
using AttentionLens.Tests.Checkpoints;
using AttentionLens.Tests.Models;

namespace AttentionLens.Tests.Analysis;

/// <summary>
/// Where the prediction being explained (<see cref="PredictionTarget"/>) meets the causal LMs' key /
/// value reuse (<see cref="ICausalPrefixReuse"/>) and logit rows: occlusion of a chosen token,
/// faithfulness (occlusion drops, comprehensiveness and sufficiency AOPC) and a Mistral sliding window
/// that binds give the numbers of full re-runs of the model (seen through a wrapper without the
/// capability) within 1e-4 — only float summation order differs; and a decoder-family LM head
/// computes only the requested rows, equal to those rows of the full head.
/// </summary>
public class MergedPredictionReuseTests
{
    private sealed class Plain(ITransformerModel inner) : ITransformerModel
    {
        public ModelInfo Info => inner.Info;
        public ForwardResult Forward(ForwardInput input, ForwardOptions? options = null, CancellationToken cancellationToken = default) =>
            inner.Forward(input, options, cancellationToken);
    }

    private static ForwardInput Input(ITransformerModel model, int tokens)
    {
        var ids = Enumerable.Range(0, tokens).Select(i => (i * 37 + 11) % model.Info.VocabSize).ToArray();
        var mask = Enumerable.Repeat(1, tokens).ToArray();
        mask[2] = 0;
        return new ForwardInput(ids) { AttentionMask = mask };
    }

    private static void Close(double[] expected, double[] actual, string what) =>
        Tensors.KernelAssert.Close(expected.Select(d => (float)d).ToArray(), actual.Select(d => (float)d).ToArray(), _ => 1e-4, what);

    [Theory]
    [InlineData("llama")]
    [InlineData("gpt2")]
    public void A_chosen_token_is_occluded_with_reuse_as_with_full_reruns(string folder)
    {
        var model = ModelLoader.Load(SharedData.Path("golden", "hf", folder));
        var input = Input(model, 12);
        var choice = new PredictionChoice { Label = 7 };
        var (fast, fastPrediction) = Occlusion.Compute(model, input, 9, choice);
        var (slow, slowPrediction) = Occlusion.Compute(new Plain(model), input, 9, choice);
        Assert.Equal(7, fastPrediction.Index);
        Assert.Equal(slowPrediction.Description, fastPrediction.Description);
        Close(slow, fast, $"{folder} chosen-token drops");
        Assert.Contains(fast, d => d != 0);
    }

    [Theory]
    [InlineData("llama")]
    [InlineData("llama_bf16")]
    [InlineData("gpt2")]
    public void Faithfulness_with_reuse_equals_full_reruns(string folder)
    {
        var model = ModelLoader.Load(SharedData.Path("golden", "hf", folder));
        var input = Input(model, 14);
        int target = 10;
        var scores = new Dictionary<string, double[]>
        {
            ["a"] = Enumerable.Range(0, 14).Select(i => (double)((i * 5) % 14)).ToArray(),
            ["b"] = Enumerable.Range(0, 14).Select(i => (double)(14 - i)).ToArray(),
        };
        var fast = Faithfulness.Measure(model, input, target, scores, default);
        var slow = Faithfulness.Measure(new Plain(model), input, target, scores, default);
        Close(slow.Occlusion, fast.Occlusion, $"{folder} drops");
        foreach (var m in new[] { new AnalysisMethod("a"), new AnalysisMethod("b") })
        {
            Assert.Equal(slow.Comprehensiveness[m], fast.Comprehensiveness[m], 1e-4);
            Assert.Equal(slow.Sufficiency[m], fast.Sufficiency[m], 1e-4);
        }
        Assert.Contains(fast.Comprehensiveness.Values, v => v != 0);
    }

    [Fact]
    public void A_binding_sliding_window_is_kept_by_the_resumed_rows()
    {
        using var dir = new TempDirectory();
        CheckpointFixture.Copy(SharedData.Path("golden", "hf", "llama"), dir,
            editConfig: c => c.Replace("\"model_type\": \"llama\"", "\"model_type\": \"mistral\", \"sliding_window\": 4").Replace("LlamaForCausalLM", "MistralForCausalLM"));
        var model = ModelLoader.Load(dir.Path);
        Assert.IsAssignableFrom<ICausalPrefixReuse>(model);
        var input = Input(model, 16);
        var (fast, _) = Occlusion.Compute(model, input, 15);
        var (slow, _) = Occlusion.Compute(new Plain(model), input, 15);
        Close(slow, fast, "mistral window 4 drops");
        // The window hides tokens more than 4 back from the target's own row, but not from earlier rows it reads.
        Assert.Contains(fast, d => d != 0);
    }

    [Theory]
    [InlineData("gemma2")]
    [InlineData("gpt_neox")]
    public void A_decoder_family_lm_head_computes_only_the_requested_rows(string folder)
    {
        var model = ModelLoader.Load(Path.Combine(DecoderGoldenTests.Root, folder));
        var input = new ForwardInput(Enumerable.Range(0, 10).Select(i => (i * 13 + 5) % model.Info.VocabSize).ToArray());
        var full = model.Forward(input);
        var rows = model.Forward(input, new ForwardOptions { LogitRows = [9, 3] });
        Assert.Equal([9, 3], rows.LogitRows);
        Assert.Equal(2 * model.Info.VocabSize, rows.Logits!.Length);
        Tensors.KernelAssert.Close(full.LogitsAt(9), rows.LogitsAt(9), _ => 1e-6, $"{folder} row 9");
        Tensors.KernelAssert.Close(full.LogitsAt(3), rows.LogitsAt(3), _ => 1e-6, $"{folder} row 3");
    }

    [Theory]
    [InlineData("llama_seqcls")]
    [InlineData("gpt2_qa")]
    [InlineData("qwen2_tokcls")]
    public void Logit_rows_leave_task_heads_their_outputs(string folder)
    {
        // Occlusion asks LM heads for the target's row only; a task head must still score its own prediction.
        var model = ModelLoader.Load(Path.Combine(DecoderGoldenTests.Root, folder));
        var input = new ForwardInput(Enumerable.Range(0, 8).Select(i => (i * 13 + 5) % model.Info.VocabSize).ToArray());
        var (drops, prediction) = Occlusion.Compute(model, input, 5, PredictionChoice.Predicted);
        Assert.NotEqual(ModelHead.CausalLM, prediction.Head);
        Assert.Contains(drops, d => d != 0);
    }

    [Fact]
    public void Decoder_families_keep_head_means_and_a_kept_mean_pass_refuses_per_head_methods()
    {
        var model = ModelLoader.Load(Path.Combine(DecoderGoldenTests.Root, "gemma2"));
        var input = new ForwardInput(Enumerable.Range(0, 9).Select(i => (i * 13 + 5) % model.Info.VocabSize).ToArray());
        var perHead = model.Forward(input);
        var means = model.Forward(input, new ForwardOptions { HeadMeanAttention = true });
        int H = perHead.Heads, T = 9, L = perHead.Layers;
        Assert.Equal(1, means.Heads);
        var expected = new float[L * T * T];
        for (int l = 0; l < L; l++)
            for (int h = 0; h < H; h++)
                for (int i = 0; i < T * T; i++)
                    expected[l * T * T + i] += perHead.Attentions[(l * H + h) * T * T + i] / H;
        Tensors.KernelAssert.Close(expected, means.Attentions, _ => 1e-6, "gemma2 head means");

        var influence = new AnalysisOptions { Methods = new HashSet<AnalysisMethod> { AnalysisMethod.Influence } };
        var e = Assert.Throws<AnalysisException>(() => Analyzer.AnalyzeForward(model, input, means, influence));
        Assert.Contains("mean over heads", e.Message);
    }
}
