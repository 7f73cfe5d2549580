using AttentionLens.Checkpoints;
using AttentionLens.Models;
using AttentionLens.Tests.Checkpoints;

namespace AttentionLens.Tests.Models;

/// <summary>Checkpoints whose config and weights disagree, or whose config is absurd, are refused with
/// a message naming the file and the fault.</summary>
public sealed class ModelLoaderErrorTests
{
    private static string Golden(string name) => SharedData.Path("golden", "hf", name);

    [Fact]
    public void MissingTensorListsTheNamesTried()
    {
        using var dir = new TempDirectory();
        CheckpointFixture.Copy(Golden("bert_mlm"), dir, editWeights: w => w.Remove("bert.encoder.layer.1.output.dense.weight"));
        var e = Assert.Throws<CheckpointException>(() => ModelLoader.Load(dir.Path));
        Assert.Contains(dir.Path, e.Message);
        Assert.Contains("missing tensor 'encoder.layer.1.output.dense.weight'", e.Message);
        Assert.Contains("'bert.encoder.layer.1.output.dense.weight'", e.Message);
    }

    [Fact]
    public void AbsurdLayerCountIsRefusedBeforeReadingWeights()
    {
        using var dir = new TempDirectory();
        // No weights at all: the config must be refused first.
        File.WriteAllText(dir.File("config.json"), File.ReadAllText(Path.Combine(Golden("llama"), "config.json")).Replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 1000000000"));
        var e = Assert.Throws<CheckpointException>(() => ModelLoader.Load(dir.Path));
        Assert.Contains(dir.File("config.json"), e.Message);
        Assert.Contains("num_hidden_layers = 1000000000", e.Message);
    }

    [Fact]
    public void NumberTooLargeForTheFieldIsRefused()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("config.json"), File.ReadAllText(Path.Combine(Golden("gpt2"), "config.json")).Replace("\"n_embd\": 32", "\"n_embd\": 1e40"));
        var e = Assert.Throws<CheckpointException>(() => ModelLoader.Load(dir.Path));
        Assert.Contains("config.json cannot be read", e.Message);
    }

    [Fact]
    public void HiddenNotDivisibleByHeadsIsRefused()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("config.json"), File.ReadAllText(Path.Combine(Golden("bert"), "config.json")).Replace("\"num_attention_heads\": 4", "\"num_attention_heads\": 5"));
        var e = Assert.Throws<CheckpointException>(() => ModelLoader.Load(dir.Path));
        Assert.Contains("hidden_size = 32 is not divisible by num_attention_heads = 5", e.Message);
    }

    [Fact]
    public void VocabNotMatchingTheEmbeddingIsRefused()
    {
        using var dir = new TempDirectory();
        CheckpointFixture.Copy(Golden("bert"), dir, editConfig: c => c.Replace("\"vocab_size\": 120", "\"vocab_size\": 130"));
        var e = Assert.Throws<CheckpointException>(() => ModelLoader.Load(dir.Path));
        Assert.Contains(dir.Path, e.Message);
        Assert.Contains("vocab_size = 130 does not match the 120 rows of embedding 'embeddings.word_embeddings.weight'", e.Message);
    }

    [Fact]
    public void WeightShapeNotMatchingTheConfigIsRefused()
    {
        using var dir = new TempDirectory();
        CheckpointFixture.Copy(Golden("gpt2"), dir, editConfig: c => c.Replace("\"n_inner\": 64", "\"n_inner\": 48"));
        var e = Assert.Throws<CheckpointException>(() => ModelLoader.Load(dir.Path));
        Assert.Contains("'transformer.h.0.mlp.c_fc.weight' has shape [32, 64] but config.json implies [32, 48]", e.Message);
    }

    [Fact]
    public void UnsupportedModelTypeIsRefused()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("config.json"), "{\"model_type\": \"t5\"}");
        var e = Assert.Throws<CheckpointException>(() => ModelLoader.Load(dir.Path));
        Assert.Contains("model_type 't5' is not supported", e.Message);
    }

    [Fact]
    public void FolderWithoutWeightsIsRefused()
    {
        using var dir = new TempDirectory();
        File.Copy(Path.Combine(Golden("bert"), "config.json"), dir.File("config.json"));
        var e = Assert.Throws<CheckpointException>(() => ModelLoader.Load(dir.Path));
        Assert.Contains("no weights found", e.Message);
    }

    [Fact]
    public void ShardIndexNamingATensorAShardLacksIsRefused()
    {
        using var dir = new TempDirectory();
        foreach (var file in Directory.GetFiles(Golden("bert_sharded"), "*.*"))
            File.Copy(file, dir.File(Path.GetFileName(file)));
        var index = dir.File("model.safetensors.index.json");
        File.WriteAllText(index, File.ReadAllText(index).Replace("\"pooler.dense.bias\": \"model-00004-of-00004.safetensors\"", "\"pooler.dense.bias\": \"model-00001-of-00004.safetensors\""));
        var e = Assert.Throws<CheckpointException>(() => ModelLoader.Load(dir.Path));
        Assert.Contains("pooler.dense.bias", e.Message);
        Assert.Contains("model-00001-of-00004.safetensors", e.Message);
    }
}
