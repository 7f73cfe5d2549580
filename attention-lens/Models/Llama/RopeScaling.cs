using System.Text.Json.Serialization;
using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Llama;

/// <summary>
/// <c>rope_scaling</c> of a Llama config (modeling_rope_utils.py in transformers ≥ 4.43): "linear"
/// divides every inverse frequency by <c>factor</c>; "llama3" keeps high frequencies, divides low ones
/// by <c>factor</c> and interpolates smoothly between (Llama 3.1's _compute_llama3_parameters).
/// </summary>
public sealed record RopeScaling
{
    [JsonPropertyName("rope_type")] public string? RopeType { get; set; }
    [JsonPropertyName("type")] public string? Type { get; set; }
    [JsonPropertyName("factor")] public double Factor { get; set; } = 1.0;
    [JsonPropertyName("low_freq_factor")] public double LowFreqFactor { get; set; } = 1.0;
    [JsonPropertyName("high_freq_factor")] public double HighFreqFactor { get; set; } = 4.0;
    [JsonPropertyName("original_max_position_embeddings")] public int OriginalMaxPositionEmbeddings { get; set; } = 8192;

    public string Kind => RopeType ?? Type ?? "default";

    /// <summary>
    /// The model's inverse frequencies: <see cref="RopeTable.DefaultInverseFrequencies"/>, then the
    /// scaling. "linear" divides in float32 as torch does (<c>inv_freq /= factor</c>); "llama3" is
    /// <see cref="RopeTable.Llama3InverseFrequencies"/>, which follows torch's rounding step by step.
    /// </summary>
    public float[] InverseFrequencies(int headDim, double theta, string configPath)
    {
        switch (Kind)
        {
            case "default":
                return RopeTable.DefaultInverseFrequencies(headDim, theta);
            case "linear":
            {
                if (!(Factor > 0))
                    throw new CheckpointException(configPath, $"rope_scaling (linear) factor {Factor} must be > 0.");
                var inv = RopeTable.DefaultInverseFrequencies(headDim, theta);
                float factor = (float)Factor;
                for (int i = 0; i < inv.Length; i++) inv[i] /= factor;
                return inv;
            }
            case "llama3":
                if (!(Factor > 0) || !(LowFreqFactor > 0) || !(HighFreqFactor > LowFreqFactor) || OriginalMaxPositionEmbeddings <= 0)
                    throw new CheckpointException(configPath,
                        "rope_scaling (llama3) needs factor > 0, high_freq_factor > low_freq_factor > 0 and original_max_position_embeddings > 0.");
                return RopeTable.Llama3InverseFrequencies(headDim, theta, Factor, LowFreqFactor, HighFreqFactor, OriginalMaxPositionEmbeddings);
            default:
                throw new CheckpointException(configPath, $"rope_scaling type '{Kind}' is not supported (default, linear, llama3).");
        }
    }
}
