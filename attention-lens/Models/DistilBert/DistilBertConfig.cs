using System.Text.Json.Serialization;

namespace AttentionLens.Models.DistilBert;

/// <summary><c>config.json</c> of DistilBERT (configuration_distilbert.py), HF field names and defaults.</summary>
public sealed record DistilBertConfig
{
    [JsonPropertyName("vocab_size")] public int VocabSize { get; set; } = 30522;
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; set; } = 512;
    [JsonPropertyName("n_layers")] public int NLayers { get; set; } = 6;
    [JsonPropertyName("n_heads")] public int NHeads { get; set; } = 12;
    [JsonPropertyName("dim")] public int Dim { get; set; } = 768;
    [JsonPropertyName("hidden_dim")] public int HiddenDim { get; set; } = 3072;
    [JsonPropertyName("activation")] public string Activation { get; set; } = "gelu";

    public void Validate(string path)
    {
        ConfigLimits.Check(path, "n_layers", NLayers, ConfigLimits.MaxLayers);
        ConfigLimits.Check(path, "n_heads", NHeads, ConfigLimits.MaxHeads);
        ConfigLimits.Check(path, "dim", Dim, ConfigLimits.MaxHidden);
        ConfigLimits.Check(path, "hidden_dim", HiddenDim, ConfigLimits.MaxIntermediate);
        ConfigLimits.Check(path, "vocab_size", VocabSize, ConfigLimits.MaxVocab);
        ConfigLimits.Check(path, "max_position_embeddings", MaxPositionEmbeddings, ConfigLimits.MaxPositions);
        ConfigLimits.CheckDivisible(path, "dim", Dim, "n_heads", NHeads);
    }
}
