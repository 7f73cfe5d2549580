using AttentionLens.Analysis;
using AttentionLens.Models;
using Xunit.Abstractions;

namespace AttentionLens.Tests.Generation;

/// <summary>
/// The key/value cache of the decoder families under <see cref="DecoderTaskModel"/> (GPT-NeoX parallel
/// and sequential residual, OPT pre-norm and post-norm with project_in/out, Phi, Phi-3 and Phi-3
/// LongRoPE, Gemma, Gemma 2 with soft-caps and a sliding window of 8, OLMo-2; the tiny golden models of
/// tests/goldens/decoders, whose full forward the golden tests check against transformers):
/// <see cref="ICausalPrefixReuse.AppendTokens"/> one token at a time from 12 to 40 tokens (three at
/// once at 30) gives the full forward's last logits within 1e-4 — past Gemma 2's window and across
/// Phi-3 LongRoPE's original length of 32, where the rotary factors switch for every position — and,
/// appended up to transformers' 48-token reference case, transformers' last logits within 1e-4;
/// <see cref="ICausalPrefixReuse.LogitsFrom"/> (occlusion's re-run from the first removed token, a
/// padded position in the input) gives the drops of whole re-runs within 1e-4, and faithfulness (occlusion
/// and ERASER AOPC, several tokens removed at once) the whole re-runs' scores; Phi-3 with a sliding
/// window of 8 (its config edited) likewise. The worst difference of each model is printed.
/// </summary>
public sealed class DecoderFamilyAppendTokensTests(ITestOutputHelper output)
{
    private static string Folder(string name) => Path.Combine(SharedData.RepositoryRoot, "tests", "goldens", "decoders", name);

    /// <summary>The model without <see cref="ICausalPrefixReuse"/>: occlusion re-runs it whole.</summary>
    private sealed class Plain(ITransformerModel inner) : ITransformerModel
    {
        public ModelInfo Info => inner.Info;
        public ForwardResult Forward(ForwardInput input, ForwardOptions? options = null, CancellationToken cancellationToken = default) =>
            inner.Forward(input, options, cancellationToken);
    }

    public static TheoryData<string> Families() =>
        ["gpt_neox", "gpt_neox_sequential", "opt", "opt_post_ln_proj", "phi", "phi3", "phi3_longrope", "gemma", "gemma2", "olmo2"];

    private static double Worst(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = Math.Abs((double)expected[i] - actual[i]);
            if (double.IsNaN(d)) return double.PositiveInfinity;
            worst = Math.Max(worst, d);
        }
        return worst;
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Appended_tokens_get_the_logits_of_a_full_forward(string folder) => AssertAppendsMatch(ModelLoader.Load(Folder(folder)), folder);

    /// <summary>
    /// Straight against transformers: the prompt's first 12 tokens of the reference case random_long
    /// (make_goldens.py; 48 tokens on phi3_longrope, past its original length of 32, and past Gemma 2's
    /// window), then the rest appended one at a time; the last append's logits equal transformers' last
    /// row of the whole input (atol 1e-4, the golden tests' tolerance).
    /// </summary>
    [Theory]
    [MemberData(nameof(Families))]
    public void Appending_transformers_long_case_gives_its_last_logits(string folder)
    {
        var model = ModelLoader.Load(Folder(folder));
        var reuse = Assert.IsAssignableFrom<ICausalPrefixReuse>(model);
        using var reference = new Models.ReferenceCase(Path.Combine(Folder(folder), "reference", "random_long.safetensors"));
        var ids = reference.InputRow("input.input_ids", 0)!;
        Assert.All(reference.InputRow("input.attention_mask", 0) ?? [], m => Assert.Equal(1, m));
        int t = ids.Length, v = model.Info.VocabSize;
        var (_, cache) = reuse.ForwardWithCache(new ForwardInput(ids[..12]), new ForwardOptions { LogitRows = [11] });
        float[] last = [];
        for (int i = 12; i < t; i++) last = reuse.AppendTokens(cache, ids.AsSpan(i, 1));
        var expected = reference.BatchSlice("logits", 0, 0).AsSpan((t - 1) * v, v);
        output.WriteLine($"{folder}: {t} tokens by appends vs transformers' last logits, worst |diff| {Worst(expected, last):G3}");
        Tensors.KernelAssert.Close(expected, last, _ => 1e-4, $"{folder}: logits of token {t - 1} appended after 12");
    }

    /// <summary>Phi-3's sliding window (Mistral's mask), which no golden config sets: the golden phi3's weights
    /// with sliding_window 8 in its config, so the 40 tokens run well past it.</summary>
    [Fact]
    public void Appended_tokens_see_Phi3s_sliding_window()
    {
        var dir = Directory.CreateTempSubdirectory("al-phi3-window").FullName;
        try
        {
            var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(Folder("phi3"), "config.json")))!;
            config["sliding_window"] = 8;
            File.WriteAllText(Path.Combine(dir, "config.json"), config.ToJsonString());
            File.Copy(Path.Combine(Folder("phi3"), "model.safetensors"), Path.Combine(dir, "model.safetensors"));
            var model = ModelLoader.Load(dir);
            // The window changes the answer, so the appends below are checked against a windowed forward.
            var ids = Enumerable.Range(0, 20).Select(i => (i * 37 + 11) % model.Info.VocabSize).ToArray();
            var windowed = model.Forward(new ForwardInput(ids), new ForwardOptions { LogitRows = [19] }).LogitsAt(19).ToArray();
            var plain = ModelLoader.Load(Folder("phi3")).Forward(new ForwardInput(ids), new ForwardOptions { LogitRows = [19] }).LogitsAt(19).ToArray();
            Assert.True(Worst(plain, windowed) > 1e-3, "sliding_window 8 did not change the 20-token forward");
            AssertAppendsMatch(model, "phi3 sliding_window 8");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Appends one token at a time from 12 to 40 (three at once at 30), each against a full forward of the longer input.</summary>
    private void AssertAppendsMatch(ITransformerModel model, string what)
    {
        var reuse = Assert.IsAssignableFrom<ICausalPrefixReuse>(model);
        var ids = Enumerable.Range(0, 40).Select(i => (i * 37 + 11) % model.Info.VocabSize).ToArray();
        int prompt = 12;
        var (_, cache) = reuse.ForwardWithCache(new ForwardInput(ids[..prompt]), new ForwardOptions { LogitRows = [prompt - 1] });
        double worst = 0;
        int worstAt = 0;
        for (int t = prompt; t < ids.Length;)
        {
            int n = t == 30 ? 3 : 1;
            var appended = reuse.AppendTokens(cache, ids.AsSpan(t, n));
            t += n;
            Assert.Equal(t, cache.Tokens);
            Assert.Equal(ids[..t], cache.Input.InputIds);
            var full = model.Forward(new ForwardInput(ids[..t]), new ForwardOptions { LogitRows = [t - 1] });
            double d = Worst(full.LogitsAt(t - 1), appended);
            if (d > worst) (worst, worstAt) = (d, t);
        }
        output.WriteLine($"{what}: appended vs full forward logits, worst |diff| {worst:G3} (after {worstAt} tokens)");
        Assert.True(worst <= 1e-4, $"{what}: appended logits differ from the full forward's by {worst:G3} after {worstAt} tokens (tolerance 1e-4)");
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Reused_keys_and_values_give_the_drops_of_full_reruns(string folder)
    {
        var model = ModelLoader.Load(Folder(folder));
        Assert.IsAssignableFrom<ICausalPrefixReuse>(model);
        int tokens = 36;
        var ids = Enumerable.Range(0, tokens).Select(i => (i * 37 + 11) % model.Info.VocabSize).ToArray();
        var mask = Enumerable.Repeat(1, tokens).ToArray();
        mask[2] = 0; // a padded position: nothing to occlude there
        var input = new ForwardInput(ids) { AttentionMask = mask };
        double worst = 0;
        foreach (int target in new[] { tokens - 1, tokens / 2 })
        {
            var (fast, fastText) = Occlusion.Compute(model, input, target);
            var (slow, slowText) = Occlusion.Compute(new Plain(model), input, target);
            Assert.Equal(slowText, fastText);
            for (int j = 0; j < tokens; j++) worst = Math.Max(worst, Math.Abs(fast[j] - slow[j]));
            for (int j = target + 1; j < tokens; j++) Assert.Equal(0.0, fast[j]);
            Assert.Equal(0.0, fast[2]);
            Assert.Contains(fast, d => d != 0);
        }
        output.WriteLine($"{folder}: occlusion drops with the cache vs full re-runs, worst |diff| {worst:G3}");
        Assert.True(worst <= 1e-4, $"{folder}: occlusion drops differ by {worst:G3} (tolerance 1e-4)");
    }

    /// <summary>Faithfulness's ERASER AOPC removes several tokens at once (its masks recompute from the first
    /// removed one); with the cache it equals the whole re-runs'.</summary>
    [Theory]
    [MemberData(nameof(Families))]
    public void Faithfulness_with_the_cache_equals_full_reruns(string folder)
    {
        var model = ModelLoader.Load(Folder(folder));
        int tokens = 24;
        var input = new ForwardInput(Enumerable.Range(0, tokens).Select(i => (i * 37 + 11) % model.Info.VocabSize).ToArray());
        var scores = new Dictionary<string, double[]> { ["ranked"] = Enumerable.Range(0, tokens).Select(j => (double)(j * 7 % tokens)).ToArray() };
        var fast = Faithfulness.Measure(model, input, tokens - 1, scores, CancellationToken.None);
        var slow = Faithfulness.Measure(new Plain(model), input, tokens - 1, scores, CancellationToken.None);
        var method = new AnalysisMethod("ranked");
        double worst = Math.Max(Math.Abs(fast.Comprehensiveness[method] - slow.Comprehensiveness[method]),
            Math.Abs(fast.Sufficiency[method] - slow.Sufficiency[method]));
        for (int j = 0; j < tokens; j++) worst = Math.Max(worst, Math.Abs(fast.Occlusion[j] - slow.Occlusion[j]));
        output.WriteLine($"{folder}: faithfulness (occlusion, AOPC) with the cache vs full re-runs, worst |diff| {worst:G3}");
        Assert.NotEqual(0.0, slow.Comprehensiveness[method]);
        Assert.True(worst <= 1e-4, $"{folder}: faithfulness with the cache differs by {worst:G3} (tolerance 1e-4)");
    }

    [Fact]
    public void A_cancelled_append_across_the_LongRoPE_length_leaves_the_cache()
    {
        var model = ModelLoader.Load(Folder("phi3_longrope"));
        var reuse = (ICausalPrefixReuse)model;
        var ids = Enumerable.Range(0, 32).Select(i => (i * 7 + 3) % model.Info.VocabSize).ToArray();
        var (_, cache) = reuse.ForwardWithCache(new ForwardInput(ids), new ForwardOptions { LogitRows = [31] });
        var keys = cache.Keys[0].AsSpan(0, 32 * cache.Width).ToArray();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => reuse.AppendTokens(cache, [5], cancellationToken: cancelled.Token));
        Assert.Equal(32, cache.Tokens);
        Assert.Equal(keys, cache.Keys[0].AsSpan(0, 32 * cache.Width).ToArray());
    }

    [Fact]
    public void A_classification_head_has_no_cache_to_append_to()
    {
        var model = ModelLoader.Load(Folder("gpt_neox_seqcls"));
        var reuse = Assert.IsAssignableFrom<ICausalPrefixReuse>(model);
        var e = Assert.ThrowsAny<AttentionLensException>(() => reuse.ForwardWithCache(new ForwardInput([1, 2, 3]), ForwardOptions.Default));
        Assert.Contains("not an LM head", e.Message);
    }
}
