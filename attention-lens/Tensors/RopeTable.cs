namespace AttentionLens.Tensors;

/// <summary>
/// Precomputed cos/sin of rotary embeddings (Su et al. 2021): for position p and pair index i,
/// θ_i = base^(−2i/D) (optionally rescaled, Llama-3 <c>rope_scaling</c>), angle = p·θ_i.
/// Stored as (maxPositions × D/2) cos and sin, in float32 as transformers computes them.
/// </summary>
public sealed class RopeTable
{
    /// <param name="attentionScaling">Multiplies every cos and sin (transformers' rotary
    /// <c>attention_scaling</c>: 1 by default, √(1 + ln s / ln L₀) for Phi-3's LongRoPE).</param>
    /// <param name="firstPosition">The position of row 0: row p holds position firstPosition + p, so
    /// rows appended to a key/value cache are rotated by their own positions (equal to the full
    /// table's rows, as the angle is the same float32 product).</param>
    public RopeTable(int maxPositions, int headDim, double theta, float[]? inverseFrequencies = null, float attentionScaling = 1f, int firstPosition = 0)
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
                float angle = (firstPosition + p) * invFreq[i];
                Cos[p * half + i] = MathF.Cos(angle) * attentionScaling;
                Sin[p * half + i] = MathF.Sin(angle) * attentionScaling;
            }
        }
    }

    public int MaxPositions { get; }
    public int HeadDim { get; }
    public float[] Cos { get; }
    public float[] Sin { get; }

    /// <summary>inv_freq_i = 1 / θ^(2i/D) with transformers' float32 rounding: the exponent is the
    /// float32 quotient (arange(0, D, 2).float() / D), the power is rounded to float32, and so is the
    /// reciprocal.</summary>
    public static float[] DefaultInverseFrequencies(int headDim, double theta)
    {
        var inv = new float[headDim / 2];
        for (int i = 0; i < inv.Length; i++)
        {
            float exponent = (float)(2 * i) / headDim;
            float power = (float)Math.Pow(theta, exponent);
            inv[i] = 1f / power;
        }

        return inv;
    }

    /// <summary>
    /// Llama 3.1 <c>rope_scaling</c> (<c>rope_type: "llama3"</c>, transformers
    /// <c>_compute_llama3_parameters</c>): with wavelength λ_i = 2π / inv_freq_i, frequencies whose
    /// λ exceeds original_max_position_embeddings / low_freq_factor are divided by
    /// <paramref name="factor"/>, those whose λ is below original / high_freq_factor are kept, and
    /// those between are interpolated with s = (original/λ − low) / (high − low):
    /// (1 − s)·f/factor + s·f. Each step is rounded to float32 in torch's order (scalar ÷ tensor is
    /// evaluated as reciprocal(tensor) × scalar), so the result matches transformers bit for bit.
    /// </summary>
    public static float[] Llama3InverseFrequencies(int headDim, double theta, double factor, double lowFreqFactor,
        double highFreqFactor, int originalMaxPositions)
    {
        if (!(factor > 0) || !(lowFreqFactor > 0) || !(highFreqFactor > lowFreqFactor) || originalMaxPositions <= 0)
            throw new AttentionLensException(
                $"rope_scaling (llama3): factor {factor}, low_freq_factor {lowFreqFactor}, high_freq_factor {highFreqFactor}, " +
                $"original_max_position_embeddings {originalMaxPositions} — need factor > 0 and high > low > 0; fix config.json.");
        var inv = DefaultInverseFrequencies(headDim, theta);
        float f = (float)factor, low = (float)lowFreqFactor, high = (float)highFreqFactor, old = originalMaxPositions;
        float lowWavelength = (float)(originalMaxPositions / lowFreqFactor);
        float highWavelength = (float)(originalMaxPositions / highFreqFactor);
        float twoPi = (float)(2 * Math.PI), span = (float)(highFreqFactor - lowFreqFactor);
        var result = new float[inv.Length];
        for (int i = 0; i < inv.Length; i++)
        {
            float wavelength = (1f / inv[i]) * twoPi;
            float scaled = wavelength > lowWavelength ? inv[i] / f : inv[i];
            bool medium = !(wavelength < highWavelength) && !(wavelength > lowWavelength);
            if (!medium)
            {
                result[i] = scaled;
                continue;
            }

            float smooth = ((1f / wavelength) * old - low) / span;
            result[i] = (1f - smooth) * scaled / f + smooth * scaled;
        }

        return result;
    }
}
