using AttentionLens.Checkpoints;
using AttentionLens.Flow;
using AttentionLens.Models;
using AttentionLens.Tests.Checkpoints;

namespace AttentionLens.Tests.Models;

/// <summary>
/// NaN, Inf and float32-overflowing weights are named where they first make the forward
/// non-finite (the layer and the suspect tensor group), not later as "attention rows sum to
/// 0.875"; an unknown Llama-family hidden_act is refused like GPT-2's activation_function.
/// </summary>
public sealed class NonFiniteWeightsTests
{
    private static NonFiniteActivationException ForwardWith(string golden, Action<Dictionary<string, (long[] Shape, float[] Data)>> edit)
    {
        using var dir = new TempDirectory();
        CheckpointFixture.Copy(SharedData.Path("golden", "hf", golden), dir, editWeights: edit);
        var model = ModelLoader.Load(dir.Path);
        return Assert.Throws<NonFiniteActivationException>(() => model.Forward(new ForwardInput([2, 5, 7, 9, 3])));
    }

    [Fact]
    public void NaNInALayersValueWeightNamesThatLayersOutputGroup()
    {
        var e = ForwardWith("bert", w => w["encoder.layer.1.attention.self.value.weight"].Data[3] = float.NaN);
        Assert.Equal(1, e.Layer);
        Assert.Contains("layer 1", e.Message, StringComparison.Ordinal);
        Assert.Contains("value and output projections", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HugeQueryWeightsNameTheLayerWhoseScoresOverflow()
    {
        // Query weights near float32's limit: the projections overflow to ±Inf and the scores
        // (Inf − Inf, Inf · 0) turn NaN; the softmax rows then lose their mass or turn NaN.
        var e = ForwardWith("bert", w =>
        {
            var q = w["encoder.layer.0.attention.self.query.weight"].Data;
            for (int i = 0; i < q.Length; i++) q[i] *= 3e38f;
        });
        Assert.Equal(0, e.Layer);
        Assert.Contains("query and key projections", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InfInAnEmbeddingNamesTheEmbeddings()
    {
        var e = ForwardWith("gpt2", w => w["transformer.wte.weight"].Data[5 * 32 + 4] = float.PositiveInfinity);
        Assert.Equal(-1, e.Layer);
        Assert.Contains("embedding", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NaNInALlamaMlpNamesItsLayer()
    {
        var e = ForwardWith("llama", w => w["model.layers.1.mlp.down_proj.weight"].Data[0] = float.NaN);
        Assert.Equal(1, e.Layer);
        Assert.Contains("MLP", e.Message, StringComparison.Ordinal);
    }

    private static NonFiniteActivationException TaskModelWith(string family, string golden, Action<Dictionary<string, (long[] Shape, float[] Data)>> edit)
    {
        using var dir = new TempDirectory();
        CheckpointFixture.Copy(Path.Combine(SharedData.RepositoryRoot, "tests", "goldens", family, golden), dir, editWeights: edit);
        var model = ModelLoader.Load(dir.Path);
        return Assert.Throws<NonFiniteActivationException>(() => model.Forward(new ForwardInput([2, 5, 7, 9, 3])));
    }

    [Fact]
    public void AnEncoderTaskHeadChecksItsBodyLayerByLayer()
    {
        var e = TaskModelWith("encoders", "bert_seqcls", w => w["bert.encoder.layer.1.attention.self.value.weight"].Data[3] = float.NaN);
        Assert.Equal(1, e.Layer);
        Assert.Contains("value and output projections", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("encoders", "bert_seqcls", "classifier.weight")]
    [InlineData("encoders", "electra_tokcls", "classifier.weight")]
    [InlineData("decoders", "llama_seqcls", "score.weight")]
    public void NaNInATaskHeadNamesTheHead(string family, string golden, string tensor)
    {
        var e = TaskModelWith(family, golden, w => w[tensor].Data[0] = float.NaN);
        Assert.Contains("task head", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FiniteGoldenModelsPassTheCheck()
    {
        foreach (var golden in new[] { "bert", "gpt2", "llama", "distilbert" })
            Assert.Equal(5, ModelLoader.Load(SharedData.Path("golden", "hf", golden)).Forward(new ForwardInput([2, 5, 7, 9, 3])).Tokens);
    }

    /// <summary>The server's and the CLI's backend adds the checkpoint folder to the core's layer.</summary>
    [Fact]
    public void TheBackendNamesTheCheckpointFolder()
    {
        using var dir = new TempDirectory();
        var source = SharedData.Path("models", "stories260K");
        CheckpointFixture.Copy(source, dir, editWeights: w => w["model.layers.2.self_attn.v_proj.weight"].Data[0] = float.NaN);
        foreach (var f in new[] { "tokenizer.json", "tokenizer_config.json" }) File.Copy(Path.Combine(source, f), dir.File(f));
        var backend = new AttentionLens.Server.Services.CoreModelBackend();
        var loaded = backend.Load(dir.Path, CancellationToken.None);
        var e = Assert.Throws<NonFiniteActivationException>(() => backend.Analyze(loaded, new ForwardInput([1, 300, 301, 302]), new AttentionLens.Analysis.AnalysisOptions(), CancellationToken.None));
        Assert.Contains($"layer 2 of {dir.Path}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForModelNamesTheCheckpointFolder()
    {
        var e = new NonFiniteActivationException(3, "the output hidden state is not finite", "this layer's MLP").ForModel("/models/broken");
        Assert.StartsWith("layer 3 of /models/broken:", e.Message, StringComparison.Ordinal);
        Assert.Equal("/models/broken", e.Path);
    }

    [Fact]
    public void FlowNamesNaNAttentionAsNonFinite()
    {
        var shape = AttentionShape.Create(1, 1, 2);
        var e = Assert.Throws<InvalidAttentionException>(() => shape.Validate<float>([1, 0, float.NaN, 0.5f]));
        Assert.Contains("is NaN", e.Message, StringComparison.Ordinal);
        Assert.Contains("non-finite weights", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("llama")]
    [InlineData("mistral")]
    [InlineData("qwen2")]
    public void UnknownHiddenActIsRefusedForLlamaFamilies(string modelType)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("config.json"), File.ReadAllText(SharedData.Path("golden", "hf", "llama", "config.json"))
            .Replace("\"hidden_act\": \"silu\"", "\"hidden_act\": \"gelu_fast\"").Replace("\"model_type\": \"llama\"", $"\"model_type\": \"{modelType}\""));
        var e = Assert.Throws<CheckpointException>(() => ModelLoader.Load(dir.Path));
        Assert.Contains("hidden_act 'gelu_fast'", e.Message, StringComparison.Ordinal);
        Assert.Contains("config.json", e.Message, StringComparison.Ordinal);
    }
}
