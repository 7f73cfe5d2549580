using System.Text.Json.Serialization;
using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Phi3;

/// <summary>
/// <c>rope_scaling</c> of Phi-3 (configuration_phi3.py): LongRoPE (Ding et al. 2024), type
/// "longrope" — older checkpoints say "su" (and "yarn"), which transformers renames to longrope.
/// Per frequency i, inv_freq_i = 1 / (ext_i · θ^(2i/D)), with ext = long_factor when the sequence is
/// longer than original_max_position_embeddings and short_factor otherwise; cos and sin are then
/// multiplied by √(1 + ln s / ln L₀), s = max_position_embeddings / L₀ (1 when s ≤ 1)
/// (modeling_phi3.py Phi3LongRoPEScaledRotaryEmbedding).
/// </summary>
public sealed record Phi3RopeScaling
{
    [JsonPropertyName("type")] public string? Type { get; set; }
    [JsonPropertyName("rope_type")] public string? RopeType { get; set; }
    [JsonPropertyName("short_factor")] public double[]? ShortFactor { get; set; }
    [JsonPropertyName("long_factor")] public double[]? LongFactor { get; set; }

    public string Kind => Type ?? RopeType ?? "default";

    public void Validate(string configPath, int headDim)
    {
        if (Kind is not ("longrope" or "su" or "yarn"))
            throw new CheckpointException(configPath, $"config.json rope_scaling type '{Kind}' is not supported for phi3; supported: longrope (also written su or yarn).");
        foreach (var (name, factors) in new[] { ("short_factor", ShortFactor), ("long_factor", LongFactor) })
        {
            if (factors is null || factors.Length != headDim / 2)
                throw new CheckpointException(configPath, $"config.json rope_scaling.{name} must list head_dim / 2 = {headDim / 2} numbers; it has {factors?.Length.ToString() ?? "none"}.");
            if (factors.Any(f => !(f > 0)))
                throw new CheckpointException(configPath, $"config.json rope_scaling.{name} has a factor ≤ 0; every factor must be positive.");
        }
    }

    /// <summary>The inverse frequencies for a sequence of <paramref name="tokens"/>, in torch's float32 steps.</summary>
    public float[] InverseFrequencies(int headDim, double theta, int tokens, int originalMaxPositions)
    {
        var factors = tokens > originalMaxPositions ? LongFactor! : ShortFactor!;
        var inv = new float[headDim / 2];
        for (int i = 0; i < inv.Length; i++)
        {
            float exponent = (float)(2 * i) / headDim;
            float power = (float)Math.Pow(theta, exponent);
            inv[i] = 1f / ((float)factors[i] * power);
        }
        return inv;
    }

    /// <summary>The cos/sin multiplier √(1 + ln s / ln L₀), s = max / L₀, or 1 when s ≤ 1.</summary>
    public static float AttentionScaling(int maxPositions, int originalMaxPositions)
    {
        double scale = (double)maxPositions / originalMaxPositions;
        return scale <= 1 ? 1f : (float)Math.Sqrt(1 + Math.Log(scale) / Math.Log(originalMaxPositions));
    }

    /// <summary>The rotary table for a sequence of <paramref name="tokens"/>.</summary>
    public RopeTable Table(int tokens, int headDim, double theta, int maxPositions, int originalMaxPositions) =>
        Table(tokens, headDim, theta, maxPositions, originalMaxPositions, 0, tokens);

    /// <summary>The <paramref name="rows"/> rows from position <paramref name="first"/> of the table of a sequence of
    /// <paramref name="length"/> tokens (the factors are the whole sequence's).</summary>
    public RopeTable Table(int rows, int headDim, double theta, int maxPositions, int originalMaxPositions, int first, int length) =>
        new(rows, headDim, 0, InverseFrequencies(headDim, theta, length, originalMaxPositions), AttentionScaling(maxPositions, originalMaxPositions), first);
}
