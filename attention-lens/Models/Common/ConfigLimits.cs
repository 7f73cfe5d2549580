using AttentionLens.Checkpoints;

namespace AttentionLens.Models;

/// <summary>
/// Sanity bounds on config sizes, checked before anything is allocated: far above any published
/// model (Llama-3 405B has 126 layers, 128 heads, hidden 16384, vocab 128256), far below sizes that
/// would exhaust memory from a corrupt or malicious config.
/// </summary>
public static class ConfigLimits
{
    public const int MaxLayers = 1024;
    public const int MaxHeads = 1024;
    public const int MaxHidden = 1 << 17;
    public const int MaxIntermediate = 1 << 20;
    public const int MaxVocab = 1 << 23;
    public const int MaxPositions = 1 << 22;

    /// <summary>Throws unless 1 ≤ <paramref name="value"/> ≤ <paramref name="max"/>.</summary>
    public static void Check(string configPath, string field, long value, long max, long min = 1)
    {
        if (value < min || value > max)
            throw new CheckpointException(configPath, $"config.json {field} = {value} is outside the plausible range {min}..{max}; the config is corrupt.");
    }

    /// <summary>Throws unless hidden divides evenly into heads.</summary>
    public static void CheckDivisible(string configPath, string hiddenField, int hidden, string headsField, int heads)
    {
        if (hidden % heads != 0)
            throw new CheckpointException(configPath, $"config.json {hiddenField} = {hidden} is not divisible by {headsField} = {heads}.");
    }
}
