using System.Text.Json;
using AttentionLens.Generation;
using AttentionLens.Models;
using AttentionLens.Tokenizers;

namespace AttentionLens.Tests.Generation;

/// <summary>
/// Greedy generation against transformers' <c>model.generate(do_sample=False)</c> on stories260K
/// (../shared/models/stories260K/manifest.json, every case's <c>greedy_continuation</c>: 24 new ids
/// and the continuation text), with the key/value cache and with a full forward per token (the
/// fallback of the families without a cache). The ids must be equal exactly (the manifest notes
/// that fp32, fp64, cached and uncached runs all agree); the text is the tokenizer's decode.
/// </summary>
public class GeneratorTests
{
    private static readonly string Folder = SharedData.Path("models", "stories260K");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in Manifest().GetProperty("model").GetProperty("cases").EnumerateObject())
            if (c.Value.TryGetProperty("greedy_continuation", out _)) data.Add(c.Name);
        return data;
    }

    private static JsonElement Manifest() =>
        JsonDocument.Parse(File.ReadAllText(SharedData.Path("models", "stories260K", "manifest.json"))).RootElement;

    /// <summary>The model seen through a wrapper without <see cref="ICausalPrefixReuse"/>.</summary>
    internal sealed class Plain(ITransformerModel inner) : ITransformerModel
    {
        public ModelInfo Info => inner.Info;
        public ForwardResult Forward(ForwardInput input, ForwardOptions? options = null, CancellationToken cancellationToken = default) =>
            inner.Forward(input, options, cancellationToken);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Greedy_continuation_equals_transformers_generate(string name)
    {
        var c = Manifest().GetProperty("model").GetProperty("cases").GetProperty(name);
        var text = c.GetProperty("text").GetString()!;
        var greedy = c.GetProperty("greedy_continuation");
        var expectedIds = greedy.GetProperty("new_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var expectedText = greedy.GetProperty("continuation_text").GetString()!;
        var tokenizer = TokenizerLoader.Load(Folder);
        var model = ModelLoader.Load(Folder);
        var prompt = tokenizer.Encode(text).Ids;
        Assert.Equal(c.GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt32()), prompt);
        var options = new GenerationOptions { MaxNewTokens = expectedIds.Length, StopIds = StopTokens.Read(Folder, tokenizer) };

        var cached = Generator.Generate(model, prompt, options);
        Assert.True(cached.UsedKeyValueCache);
        Assert.Equal(expectedIds, cached.NewIds);
        Assert.Equal(GenerationStop.MaxNewTokens, cached.Stop);
        Assert.Null(cached.Seed);

        var full = Generator.Generate(new Plain(model), prompt, options);
        Assert.False(full.UsedKeyValueCache);
        Assert.Equal(expectedIds, full.NewIds);
        // The two paths' probabilities differ only by float summation order.
        for (int i = 0; i < expectedIds.Length; i++)
            Assert.True(Math.Abs(cached.Tokens[i].Probability - full.Tokens[i].Probability) < 1e-4, $"{name} token {i}: {cached.Tokens[i].Probability} vs {full.Tokens[i].Probability}");

        var (decoded, pieces) = ContinuationText.Decode(tokenizer, prompt, cached.NewIds);
        Assert.Equal(expectedText, decoded);
        Assert.Equal(expectedText, string.Concat(pieces));
    }

    [Fact]
    public void Stop_ids_come_from_the_config()
    {
        Assert.Equal([2], StopTokens.Read(Folder, TokenizerLoader.Load(Folder)));
        var gpt2 = SharedData.Path("golden", "hf", "gpt2");
        Assert.Equal([304], StopTokens.Read(gpt2, TokenizerLoader.Load(gpt2)));
    }

    [Fact]
    public void Generation_stops_at_the_end_of_text_token_without_adding_it()
    {
        var tokenizer = TokenizerLoader.Load(Folder);
        var model = ModelLoader.Load(Folder);
        var prompt = tokenizer.Encode("Once upon a time, there was a little girl named Lily.").Ids;
        // The greedy continuation's 5th token (id 337, "▁play") declared a stop token: generation ends
        // there, with the four before it, and says why.
        var result = Generator.Generate(model, prompt, new GenerationOptions { MaxNewTokens = 24, StopIds = [337] });
        Assert.Equal([338, 401, 396, 267], result.NewIds);
        Assert.Equal(GenerationStop.EndOfText, result.Stop);
        Assert.Equal(337, result.StopId);
    }

    [Fact]
    public void A_cancelled_generation_stops_between_tokens()
    {
        var tokenizer = TokenizerLoader.Load(Folder);
        var model = ModelLoader.Load(Folder);
        var prompt = tokenizer.Encode("Once upon a time").Ids;
        using var cts = new CancellationTokenSource();
        var seen = new List<int>();
        // Cancelled from the progress callback after the third token: no fourth is added.
        Assert.ThrowsAny<OperationCanceledException>(() => Generator.Generate(model, prompt, new GenerationOptions { MaxNewTokens = 50 },
            (step, token) => { seen.Add(token.Id); if (step == 2) cts.Cancel(); }, cts.Token));
        Assert.Equal(3, seen.Count);
        using var before = new CancellationTokenSource();
        before.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => Generator.Generate(model, prompt, new GenerationOptions(), null, before.Token));
    }

    [Fact]
    public void Sampling_is_deterministic_for_a_seed()
    {
        var tokenizer = TokenizerLoader.Load(Folder);
        var model = ModelLoader.Load(Folder);
        var prompt = tokenizer.Encode("Tom and his dog").Ids;
        GenerationResult Run(ulong? seed, double topP = 0.9, bool cache = true) => Generator.Generate(cache ? model : new Plain(model), prompt,
            new GenerationOptions { MaxNewTokens = 30, Temperature = 1.0, TopP = topP, Seed = seed });
        var a = Run(7);
        Assert.Equal(a.NewIds, Run(7).NewIds);
        Assert.Equal(a.NewIds, Run(7, cache: false).NewIds);
        Assert.Equal(7UL, a.Seed);
        // Other seeds draw other continuations (30 tokens at temperature 1: a coincidence is out of reach).
        Assert.Contains(new ulong[] { 8, 9, 10 }, s => !Run(s).NewIds.SequenceEqual(a.NewIds));
        // A nucleus so small that it holds only the most probable token is greedy decoding.
        var greedy = Generator.Generate(model, prompt, new GenerationOptions { MaxNewTokens = 30 }).NewIds;
        Assert.Equal(greedy, Run(3, topP: 1e-9).NewIds);
        // Without a seed one is drawn and reported, and reproduces the run.
        var drawn = Run(null);
        Assert.NotNull(drawn.Seed);
        Assert.Equal(drawn.NewIds, Run(drawn.Seed).NewIds);
    }

    [Fact]
    public void The_sampler_draws_in_proportion_to_the_nucleus()
    {
        // logits ln(0.5), ln(0.3), ln(0.2): with top-p 0.7 the nucleus is {0, 1} renormalised to 5/8, 3/8.
        float[] logits = [MathF.Log(0.5f), MathF.Log(0.3f), MathF.Log(0.2f)];
        var sampler = new TokenSampler(1.0, 0.7, 42);
        var counts = new int[3];
        for (int i = 0; i < 20000; i++) counts[sampler.Pick(logits).Id]++;
        Assert.Equal(0, counts[2]);
        // 20,000 draws: the standard deviation of the share is 0.0034; allow 5 of them.
        Assert.InRange(counts[0] / 20000.0, 0.625 - 0.017, 0.625 + 0.017);
        Assert.Equal(0.5, TokenSampler.Probability(logits, 0), 6);
    }

    [Theory]
    [InlineData(0, 1.0, "maxNewTokens")]
    [InlineData(32, -1.0, "temperature")]
    [InlineData(32, double.NaN, "temperature")]
    public void Options_out_of_range_are_refused_by_name(int maxNew, double temperature, string named)
    {
        var model = ModelLoader.Load(Folder);
        var e = Assert.Throws<GenerationException>(() => Generator.Generate(model, [1, 403], new GenerationOptions { MaxNewTokens = maxNew, Temperature = temperature }));
        Assert.Contains(named, e.Message);
        e = Assert.Throws<GenerationException>(() => Generator.Generate(model, [1, 403], new GenerationOptions { TopP = 0 }));
        Assert.Contains("topP", e.Message);
        e = Assert.Throws<GenerationException>(() => Generator.Generate(model, [], new GenerationOptions()));
        Assert.Contains("no tokens", e.Message);
    }

    [Fact]
    public void An_encoder_is_refused()
    {
        var bert = ModelLoader.Load(SharedData.Path("golden", "hf", "bert"));
        var e = Assert.Throws<GenerationException>(() => Generator.Generate(bert, [1, 2, 3], new GenerationOptions()));
        Assert.Contains("causal language model", e.Message);
    }
}
