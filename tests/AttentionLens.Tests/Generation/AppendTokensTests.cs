using AttentionLens.Models;

namespace AttentionLens.Tests.Generation;

/// <summary>
/// <see cref="ICausalPrefixReuse.AppendTokens"/> against a full forward of the longer input: the
/// appended token's logits equal the full pass's last row within 1e-4 (float summation order
/// differs only), one token at a time past the cache's first capacity (it grows), and three at
/// once; on the golden Llama (GQA), bf16 Llama, Mistral with a sliding window shorter than the
/// input, and GPT-2 (float32, fp16).
/// </summary>
public class AppendTokensTests
{
    [Theory]
    [InlineData("golden/hf/llama")]
    [InlineData("golden/hf/llama_bf16")]
    [InlineData("golden/hf/gpt2")]
    [InlineData("golden/hf/gpt2_fp16")]
    [InlineData("decoders/mistral")]
    public void Appended_tokens_get_the_logits_of_a_full_forward(string folder)
    {
        var path = folder.StartsWith("decoders/", StringComparison.Ordinal)
            ? Path.Combine(SharedData.RepositoryRoot, "tests", "goldens", folder)
            : SharedData.Path(folder.Split('/'));
        var model = ModelLoader.Load(path);
        var reuse = Assert.IsAssignableFrom<ICausalPrefixReuse>(model);
        var ids = Enumerable.Range(0, 40).Select(i => (i * 37 + 11) % model.Info.VocabSize).ToArray();
        int prompt = 12;
        var (_, cache) = reuse.ForwardWithCache(new ForwardInput(ids[..prompt]), new ForwardOptions { LogitRows = [prompt - 1] });
        for (int t = prompt; t < ids.Length;)
        {
            int n = t == 30 ? 3 : 1;
            var appended = reuse.AppendTokens(cache, ids.AsSpan(t, n));
            t += n;
            Assert.Equal(t, cache.Tokens);
            Assert.Equal(ids[..t], cache.Input.InputIds);
            var full = model.Forward(new ForwardInput(ids[..t]), new ForwardOptions { LogitRows = [t - 1] });
            Tensors.KernelAssert.Close(full.LogitsAt(t - 1).ToArray(), appended, _ => 1e-4, $"{folder} logits after {t} tokens");
        }
    }

    [Fact]
    public void An_append_past_the_position_limit_is_refused_and_leaves_the_cache()
    {
        var model = ModelLoader.Load(Path.Combine(SharedData.RepositoryRoot, "tests", "goldens", "decoders", "mistral"));
        var reuse = (ICausalPrefixReuse)model;
        int max = model.Info.MaxPositions;
        var (_, cache) = reuse.ForwardWithCache(new ForwardInput(Enumerable.Repeat(3, max - 1).ToArray()), new ForwardOptions { LogitRows = [max - 2] });
        reuse.AppendTokens(cache, [5]);
        var e = Assert.ThrowsAny<AttentionLensException>(() => reuse.AppendTokens(cache, [5]));
        Assert.Contains($"at most {max}", e.Message);
        Assert.Equal(max, cache.Tokens);
    }
}
