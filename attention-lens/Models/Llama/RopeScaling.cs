using System.Text.Json.Serialization;
using AttentionLens.Checkpoints;

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

    /// <summary>Applies the scaling to the default inverse frequencies in place.</summary>
    public void Apply(float[] inverseFrequencies, string configPath)
    {
        switch (Kind)
        {
            case "default":
                return;
            case "linear":
                for (int i = 0; i < inverseFrequencies.Length; i++) inverseFrequencies[i] = (float)(inverseFrequencies[i] / Factor);
                return;
            case "llama3":
            {
                if (Factor <= 0 || HighFreqFactor <= LowFreqFactor)
                    throw new CheckpointException(configPath, "rope_scaling (llama3) needs factor > 0 and high_freq_factor > low_freq_factor.");
                double lowFreqWavelen = OriginalMaxPositionEmbeddings / LowFreqFactor;
                double highFreqWavelen = OriginalMaxPositionEmbeddings / HighFreqFactor;
                for (int i = 0; i < inverseFrequencies.Length; i++)
                {
                    double freq = inverseFrequencies[i];
                    double wavelen = 2 * Math.PI / freq;
                    if (wavelen < highFreqWavelen) continue;
                    if (wavelen > lowFreqWavelen)
                    {
                        inverseFrequencies[i] = (float)(freq / Factor);
                        continue;
                    }
                    double smooth = (OriginalMaxPositionEmbeddings / wavelen - LowFreqFactor) / (HighFreqFactor - LowFreqFactor);
                    inverseFrequencies[i] = (float)((1 - smooth) * freq / Factor + smooth * freq);
                }
                return;
            }
            default:
                throw new CheckpointException(configPath, $"rope_scaling type '{Kind}' is not supported (default, linear, llama3).");
        }
    }
}
