using System.Text.Json.Nodes;
using AttentionLens.Checkpoints;
using AttentionLens.Models;
using AttentionLens.Tests.Checkpoints;

namespace AttentionLens.Tests.Models;

/// <summary>
/// Bad configs of the encoder families (xlm-roberta, electra, albert, deberta-v2) and of task heads
/// are refused with a message naming config.json, the field and the fault, before any weight is read.
/// </summary>
public sealed class EncoderConfigErrorTests
{
    private static string Golden(string name) => Path.Combine(EncoderGoldenTests.Root, name);

    /// <summary>Writes only the edited config.json of <paramref name="folder"/> (no weights: the config must be refused first).</summary>
    private static string ConfigOnly(TempDirectory dir, string folder, Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(Golden(folder), "config.json")))!.AsObject();
        edit(json);
        File.WriteAllText(dir.File("config.json"), json.ToJsonString());
        return dir.Path;
    }

    [Theory]
    [InlineData("xlm_roberta", "num_attention_heads", 5, "hidden_size = 32 is not divisible by num_attention_heads = 5")]
    [InlineData("electra", "num_attention_heads", 5, "hidden_size = 32 is not divisible by num_attention_heads = 5")]
    [InlineData("albert", "num_attention_heads", 3, "hidden_size = 32 is not divisible by num_attention_heads = 3")]
    [InlineData("deberta_v2", "num_attention_heads", 6, "hidden_size = 32 is not divisible by num_attention_heads = 6")]
    [InlineData("electra", "embedding_size", 0, "embedding_size = 0 is outside the plausible range")]
    [InlineData("albert", "embedding_size", -4, "embedding_size = -4 is outside the plausible range")]
    [InlineData("deberta_v2", "embedding_size", 0, "embedding_size = 0 is outside the plausible range")]
    [InlineData("albert", "inner_group_num", 2, "inner_group_num = 2 is not supported")]
    [InlineData("albert", "num_hidden_groups", 5, "num_hidden_groups = 5 is outside the plausible range 1..4")]
    [InlineData("deberta_v2", "position_buckets", 200, "position_buckets = 200 needs max_relative_positions")]
    [InlineData("deberta_v2", "max_relative_positions", 4, "needs max_relative_positions (here 4)")]
    [InlineData("deberta_v2", "conv_kernel_size", 3, "conv_kernel_size = 3")]
    [InlineData("deberta_v2", "attention_head_size", 16, "attention_head_size = 16 differs")]
    [InlineData("deberta_v2_seqcls", "pooler_hidden_size", 64, "pooler_hidden_size = 64 differs from hidden_size = 32")]
    public void BadSizesAreRefused(string folder, string field, int value, string expected)
    {
        using var dir = new TempDirectory();
        var path = ConfigOnly(dir, folder, c => c[field] = value);
        var e = Assert.Throws<CheckpointException>(() => ModelLoader.Load(path));
        Assert.Contains(dir.File("config.json"), e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("pos_att_type", "[\"p2p\"]", "pos_att_type entry 'p2p' is not supported")]
    [InlineData("pos_att_type", "[]", "relative_attention is true but pos_att_type names neither")]
    [InlineData("norm_rel_ebd", "\"batch_norm\"", "norm_rel_ebd 'batch_norm' is not supported")]
    [InlineData("hidden_act", "\"mish\"", "hidden_act 'mish' is not supported")]
    public void BadRelativeAttentionSettingsAreRefused(string field, string json, string expected)
    {
        using var dir = new TempDirectory();
        var path = ConfigOnly(dir, "deberta_v2", c => c[field] = JsonNode.Parse(json));
        var e = Assert.Throws<CheckpointException>(() => ModelLoader.Load(path));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void OldPipeSeparatedPosAttTypeIsRead()
    {
        using var dir = new TempDirectory();
        CheckpointFixture.Copy(Golden("deberta_v2"), dir, c => c.Replace("\"pos_att_type\": [\n    \"p2c\",\n    \"c2p\"\n  ]", "\"pos_att_type\": \"p2c|c2p\""));
        Assert.Contains("\"p2c|c2p\"", File.ReadAllText(dir.File("config.json")));
        var input = new ForwardInput([2, 10, 11, 12, 3]);
        var a = ModelLoader.Load(dir.Path).Forward(input);
        var b = ModelLoader.Load(Golden("deberta_v2")).Forward(input);
        Assert.Equal(b.Attentions, a.Attentions);
    }

    [Fact]
    public void EmbeddingSizeThatDisagreesWithTheWeightsNamesTheTensor()
    {
        using var dir = new TempDirectory();
        CheckpointFixture.Copy(Golden("electra"), dir, c => c.Replace("\"embedding_size\": 16", "\"embedding_size\": 32"));
        var e = Assert.Throws<CheckpointException>(() => ModelLoader.Load(dir.Path));
        Assert.Contains("embeddings.word_embeddings.weight", e.Message);
    }

    [Fact]
    public void Id2LabelThatDisagreesWithTheClassifierIsRefused()
    {
        using var dir = new TempDirectory();
        CheckpointFixture.Copy(Golden("electra_seqcls"), dir, c => c.Replace("\"2\": \"positive\"", "\"2\": \"positive\", \"3\": \"mixed\""));
        var e = Assert.Throws<CheckpointException>(() => ModelLoader.Load(dir.Path));
        Assert.Contains("id2label has 4 labels but the classifier has 3 outputs", e.Message);
    }

    [Fact]
    public void MissingId2LabelGivesTransformersDefaultNames()
    {
        using var dir = new TempDirectory();
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(Golden("albert_tokcls"), "config.json")))!.AsObject();
        json.Remove("id2label");
        json.Remove("label2id");
        CheckpointFixture.Copy(Golden("albert_tokcls"), dir, _ => json.ToJsonString());
        Assert.Equal(["LABEL_0", "LABEL_1", "LABEL_2", "LABEL_3", "LABEL_4"], ModelLoader.Load(dir.Path).Info.Labels);
    }

    [Fact]
    public void UnsupportedModelTypeNamesTheSupportedOnes()
    {
        using var dir = new TempDirectory();
        var path = ConfigOnly(dir, "deberta_v2", c => c["model_type"] = "deberta");
        var e = Assert.Throws<CheckpointException>(() => ModelLoader.Load(path));
        Assert.Contains("model_type 'deberta' is not supported", e.Message);
        foreach (var type in new[] { "xlm-roberta", "electra", "albert", "deberta-v2" }) Assert.Contains(type, e.Message);
    }
}
