namespace AttentionLens.Tensors;

/// <summary>
/// Reverse mode of rotary embeddings (<see cref="IKernels.Rope"/>, rotate-half layout; Su et al. 2021, eq. 34):
/// per pair (x₁, x₂) = (x[i], x[i + r/2]) the forward is y = R x with R = [[c, −s], [s, c]], so
/// dx = Rᵀ dy: dx₁ = dy₁·c + dy₂·s, dx₂ = dy₂·c − dy₁·s (a scaled table, LongRoPE's attention_scaling,
/// scales both alike). Only the first <c>rotaryDim</c> features of each head rotate (partial rotary:
/// GPT-NeoX, Phi); the rest pass their gradient through.
/// </summary>
public static class RopeBackward
{
    /// <param name="dx">(T, heads·headDim) ∂y/∂(rotated x), turned into ∂y/∂x in place.</param>
    /// <param name="table">Cos/sin of <paramref name="rotaryDim"/>/2 frequencies per position.</param>
    public static void Apply(Span<float> dx, int tokens, int heads, int headDim, int rotaryDim, RopeTable table)
    {
        KernelChecks.Vector(dx.Length, tokens * heads * headDim, "RoPE backward", optional: false);
        int half = rotaryDim / 2;
        for (int t = 0; t < tokens; t++)
            for (int h = 0; h < heads; h++)
            {
                var v = dx.Slice((t * heads + h) * headDim, rotaryDim);
                for (int i = 0; i < half; i++)
                {
                    float c = table.Cos[t * half + i], s = table.Sin[t * half + i];
                    float g1 = v[i], g2 = v[i + half];
                    v[i] = g1 * c + g2 * s;
                    v[i + half] = g2 * c - g1 * s;
                }
            }
    }

    /// <summary><see cref="Apply"/> on each of <paramref name="batch"/> sequences of <paramref name="tokens"/> rows laid
    /// end to end (b·T rows), every sequence at positions 0…T−1 of <paramref name="table"/>.</summary>
    public static void ApplySequences(Span<float> dx, int batch, int tokens, int heads, int headDim, int rotaryDim, RopeTable table)
    {
        int n = tokens * heads * headDim;
        for (int s = 0; s < batch; s++) Apply(dx.Slice(s * n, n), tokens, heads, headDim, rotaryDim, table);
    }
}
