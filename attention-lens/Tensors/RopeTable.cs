namespace AttentionLens.Tensors;

/// <summary>
/// Precomputed cos/sin of rotary embeddings (Su et al. 2021): for position p and pair index i,
/// θ_i = base^(−2i/D) (optionally rescaled, Llama-3 <c>rope_scaling</c>), angle = p·θ_i.
/// Stored as (maxPositions × D/2) cos and sin, in float32 as transformers computes them.
/// </summary>
public sealed class RopeTable
{
    public RopeTable(int maxPositions, int headDim, double theta, float[]? inverseFrequencies = null)
    {
        MaxPositions = maxPositions;
        HeadDim = headDim;
        int half = headDim / 2;
        var invFreq = inverseFrequencies ?? DefaultInverseFrequencies(headDim, theta);
        Cos = new float[maxPositions * half];
        Sin = new float[maxPositions * half];
        for (int p = 0; p < maxPositions; p++)
        {
            for (int i = 0; i < half; i++)
            {
                // transformers: freqs = position (float32) * inv_freq (float32), then cos/sin in float32.
                float angle = p * invFreq[i];
                Cos[p * half + i] = MathF.Cos(angle);
                Sin[p * half + i] = MathF.Sin(angle);
            }
        }
    }

    public int MaxPositions { get; }
    public int HeadDim { get; }
    public float[] Cos { get; }
    public float[] Sin { get; }

    /// <summary>inv_freq_i = 1 / θ^(2i/D), computed as transformers does (float32 of an int64 arange).</summary>
    public static float[] DefaultInverseFrequencies(int headDim, double theta)
    {
        var inv = new float[headDim / 2];
        for (int i = 0; i < inv.Length; i++)
            inv[i] = (float)(1.0 / Math.Pow(theta, (2.0 * i) / headDim));
        return inv;
    }
}
