using AttentionLens.Analysis;
using AttentionLens.Models;

namespace AttentionLens.Tests.Analysis;

/// <summary>
/// Occlusion of a causal LM with reused keys and values (<see cref="ICausalPrefixReuse"/>) against
/// the same occlusion re-running the whole model for every token (the model seen through a wrapper
/// without the capability): equal drops within 1e-4 (only float summation order differs), exactly 0
/// after the target in both, on the golden Llama (float32, bf16) and GPT-2 (float32, fp16) checkpoints, at lengths on the
/// small-rows path (9) and on the blocked GEMM (40), for the last and a middle target, with a
/// padded position; and a resumed forward of an unchanged input gives the full forward's logits.
/// </summary>
public class OcclusionPrefixReuseTests
{
    /// <summary>The model without <see cref="ICausalPrefixReuse"/>: occlusion re-runs it whole.</summary>
    private sealed class Plain(ITransformerModel inner) : ITransformerModel
    {
        public ModelInfo Info => inner.Info;
        public ForwardResult Forward(ForwardInput input, ForwardOptions? options = null, CancellationToken cancellationToken = default) =>
            inner.Forward(input, options, cancellationToken);
    }

    [Theory]
    [InlineData("llama", 9)]
    [InlineData("llama", 40)]
    [InlineData("llama_bf16", 9)]
    [InlineData("llama_bf16", 40)]
    [InlineData("gpt2", 9)]
    [InlineData("gpt2", 40)]
    [InlineData("gpt2_fp16", 40)]
    public void Reused_keys_and_values_give_the_drops_of_full_reruns(string folder, int tokens)
    {
        var model = ModelLoader.Load(SharedData.Path("golden", "hf", folder));
        Assert.IsAssignableFrom<ICausalPrefixReuse>(model);
        var ids = Enumerable.Range(0, tokens).Select(i => (i * 37 + 11) % model.Info.VocabSize).ToArray();
        var mask = Enumerable.Repeat(1, tokens).ToArray();
        mask[2] = 0; // a padded position: nothing to occlude there
        var input = new ForwardInput(ids) { AttentionMask = mask };
        foreach (int target in new[] { tokens - 1, tokens / 2 })
        {
            var (fast, fastText) = Occlusion.Compute(model, input, target);
            var (slow, slowText) = Occlusion.Compute(new Plain(model), input, target);
            Assert.Equal(slowText, fastText);
            Tensors.KernelAssert.Close(slow.Select(d => (float)d).ToArray(), fast.Select(d => (float)d).ToArray(), _ => 1e-4,
                $"{folder} T={tokens} target={target} drops");
            for (int j = target + 1; j < tokens; j++)
            {
                Assert.Equal(0.0, fast[j]);
                Assert.Equal(0.0, slow[j]);
            }
            Assert.Equal(0.0, fast[2]);
            Assert.Contains(fast, d => d != 0);
        }
    }

    [Theory]
    [InlineData("llama")]
    [InlineData("gpt2")]
    public void A_resumed_forward_of_the_same_input_gives_the_full_logits(string folder)
    {
        var loaded = ModelLoader.Load(SharedData.Path("golden", "hf", folder));
        var model = (ICausalPrefixReuse)loaded;
        var input = new ForwardInput(Enumerable.Range(0, 30).Select(i => (i * 13 + 5) % loaded.Info.VocabSize).ToArray());
        var (full, cache) = model.ForwardWithCache(input, new ForwardOptions { LogitRows = [29, 20] });
        foreach (int start in new[] { 0, 7, 20 })
        {
            var logits = model.LogitsFrom(cache, start, input, [29, 20]);
            int v = logits.Length / 2;
            Tensors.KernelAssert.Close(full.LogitsAt(29), logits.AsSpan(0, v), _ => 1e-5, $"start {start} row 29");
            Tensors.KernelAssert.Close(full.LogitsAt(20), logits.AsSpan(v, v), _ => 1e-5, $"start {start} row 20");
        }
        Assert.ThrowsAny<AttentionLensException>(() => model.LogitsFrom(cache, 25, input, [20]));
    }

    [Fact]
    public void The_cost_counts_the_recomputed_rows()
    {
        var model = ModelLoader.Load(SharedData.Path("golden", "hf", "llama"));
        // T = 4, target 3: 1 + (4 + 3 + 2 + 1) / 4 = 3.5 forwards; without reuse 1 + T.
        Assert.Equal(3.5, Occlusion.CostInForwards(model, 4, 3));
        Assert.Equal(5, Occlusion.CostInForwards(new Plain(model), 4, 3));
    }
}
