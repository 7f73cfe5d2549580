using AttentionLens.Checkpoints;
using AttentionLens.Models;
using AttentionLens.Tests.Checkpoints;

namespace AttentionLens.Tests.Models;

/// <summary>
/// Bad configs of the decoder families are refused before any weight is read, with a message naming
/// config.json, the field and the fault; unsupported model types and heads name what is supported.
/// </summary>
public sealed class DecoderConfigErrorTests
{
    private static string Golden(string name) => Path.Combine(DecoderGoldenTests.Root, name);

    /// <summary>Writes <paramref name="model"/>'s config.json edited by <paramref name="edit"/> (no weights) and loads it.</summary>
    private static CheckpointException Refused(string model, Func<string, string> edit)
    {
        using var dir = new TempDirectory();
        var original = File.ReadAllText(Path.Combine(Golden(model), "config.json"));
        var edited = edit(original);
        Assert.NotEqual(original, edited);
        File.WriteAllText(dir.File("config.json"), edited);
        var e = Assert.Throws<CheckpointException>(() => ModelLoader.Load(dir.Path));
        Assert.Contains(dir.File("config.json"), e.Message);
        return e;
    }

    [Theory]
    [InlineData("gpt_neox")]
    [InlineData("opt")]
    [InlineData("phi")]
    [InlineData("phi3")]
    [InlineData("olmo2")]
    public void HeadsNotDividingHiddenSizeAreRefused(string model)
    {
        var e = Refused(model, c => c.Replace("\"num_attention_heads\": 4", "\"num_attention_heads\": 5").Replace("\"num_key_value_heads\": 2", "\"num_key_value_heads\": 5"));
        Assert.Contains("hidden_size = 32 is not divisible by num_attention_heads = 5", e.Message);
    }

    [Theory]
    [InlineData("gemma")]
    [InlineData("gemma2")]
    public void KeyValueHeadsNotDividingHeadsAreRefused(string model)
    {
        var e = Refused(model, c => c.Replace("\"num_key_value_heads\": 2", "\"num_key_value_heads\": 3"));
        Assert.Contains("num_attention_heads = 4 is not a multiple of num_key_value_heads = 3", e.Message);
    }

    [Theory]
    [InlineData("gpt_neox", "rotary_pct", "0.25", "0")]
    [InlineData("gpt_neox", "rotary_pct", "0.25", "1.5")]
    [InlineData("gpt_neox", "rotary_pct", "0.25", "-0.5")]
    [InlineData("phi", "partial_rotary_factor", "0.5", "0.0")]
    [InlineData("phi", "partial_rotary_factor", "0.5", "2")]
    public void RotaryFractionOutOfRangeIsRefused(string model, string field, string value, string bad)
    {
        var e = Refused(model, c => c.Replace($"\"{field}\": {value}", $"\"{field}\": {bad}"));
        Assert.Contains($"{field} = ", e.Message);
        Assert.Contains("outside (0, 1]", e.Message);
    }

    [Fact]
    public void RotaryFractionGivingAnOddDimensionIsRefused()
    {
        // head_dim 8 · 0.125 = 1 rotary feature: rotate-half needs pairs.
        var e = Refused("gpt_neox", c => c.Replace("\"rotary_pct\": 0.25", "\"rotary_pct\": 0.125"));
        Assert.Contains("gives 1 rotary features of head_dim 8", e.Message);
    }

    [Theory]
    [InlineData("attn_logit_softcapping", "5.0", "0")]
    [InlineData("attn_logit_softcapping", "5.0", "-1.0")]
    [InlineData("final_logit_softcapping", "3.0", "0.0")]
    public void SoftCapNotPositiveIsRefused(string field, string value, string bad)
    {
        var e = Refused("gemma2", c => c.Replace($"\"{field}\": {value}", $"\"{field}\": {bad}"));
        Assert.Contains($"{field} = ", e.Message);
        Assert.Contains("must be positive", e.Message);
    }

    [Fact]
    public void SlidingWindowBelowOneIsRefused()
    {
        var e = Refused("gemma2", c => c.Replace("\"sliding_window\": 8", "\"sliding_window\": 0"));
        Assert.Contains("sliding_window = 0 must be at least 1 token", e.Message);
    }

    [Theory]
    [InlineData("phi3_longrope", "\"type\": \"longrope\"", "\"type\": \"dynamic\"", "rope_scaling type 'dynamic' is not supported for phi3")]
    [InlineData("gpt_neox", "\"rope_scaling\": null", "\"rope_scaling\": {\"type\": \"yarn\", \"factor\": 2.0}", "rope_scaling type 'yarn' is not supported")]
    [InlineData("phi", "\"rope_scaling\": null", "\"rope_scaling\": {\"rope_type\": \"ntk\", \"factor\": 2.0}", "rope_scaling type 'ntk' is not supported")]
    [InlineData("olmo2", "\"rope_scaling\": null", "\"rope_scaling\": {\"type\": \"longrope\"}", "rope_scaling type 'longrope' is not supported")]
    public void UnknownRopeScalingTypeIsRefused(string model, string from, string to, string expected)
    {
        var e = Refused(model, c => c.Replace(from, to));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void LongRopeFactorsOfTheWrongLengthAreRefused()
    {
        var e = Refused("phi3_longrope", c => c.Replace("\"short_factor\": [", "\"short_factor\": [1.0, "));
        Assert.Contains("rope_scaling.short_factor must list head_dim / 2 = 4 numbers; it has 5", e.Message);
    }

    [Fact]
    public void HeadTheFamilyLacksIsRefusedNamingTheSupportedOnes()
    {
        var e = Refused("opt", c => c.Replace("\"OPTForCausalLM\"", "\"OPTForTokenClassification\""));
        Assert.Contains("'OPTForTokenClassification'", e.Message);
        Assert.Contains("*ForQuestionAnswering", e.Message);
        Assert.DoesNotContain("*ForTokenClassification", e.Message);
    }

    [Fact]
    public void Olmo2HasOnlyTheLanguageModelHead()
    {
        var e = Refused("olmo2", c => c.Replace("\"Olmo2ForCausalLM\"", "\"Olmo2ForSequenceClassification\""));
        Assert.Contains("supported: *Model, *ForCausalLM.", e.Message);
    }

    [Theory]
    [InlineData("falcon", "gpt_neox")]
    [InlineData("mixtral", "mistral")]
    [InlineData("gemma3_text", "gemma2")]
    [InlineData("qwen3", "qwen2")]
    [InlineData("gpt_neo", "gpt2")]
    [InlineData("gpt-2", "gpt2")]
    [InlineData("phi4", "phi")]
    public void UnsupportedModelTypeNamesTheClosestFamily(string modelType, string closest)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("config.json"), $"{{\"model_type\": \"{modelType}\"}}");
        var e = Assert.Throws<CheckpointException>(() => ModelLoader.Load(dir.Path));
        Assert.Contains($"model_type '{modelType}' is not supported", e.Message);
        Assert.Contains("supported: bert, roberta", e.Message);
        Assert.Contains("gpt_neox, opt, phi, gemma, gemma2, phi3, olmo2", e.Message);
        Assert.Contains($"closest supported family is '{closest}'", e.Message);
    }

    [Fact]
    public void EditDistanceCountsSingleCharacterEdits()
    {
        Assert.Equal(0, ClosestFamily.EditDistance("opt", "opt"));
        Assert.Equal(3, ClosestFamily.EditDistance("kitten", "sitting"));
        Assert.Equal(4, ClosestFamily.EditDistance("", "phi3"));
    }
}
