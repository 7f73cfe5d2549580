namespace AttentionLens.Server.Cli;

/// <summary>
/// Synthetic decoder attention for the long-input flow benchmark (`bench flow --causal-tokens N`):
/// the head mean of <c>heads</c> causal softmax rows per layer, each row a softmax over keys j ≤ i of
/// uniform noise in [0, 2) plus the strong entries real decoders show — an attention sink on the
/// first token, the previous token in every other head, and two random earlier keys per row —
/// or, nearUniform, noise in [0, 0.05) alone (what a randomly initialised checkpoint gives: its
/// query·key products are tiny, so every row is close to uniform over the prefix), stored as [L, 1, n, n] float32 (what a head-mean forward keeps). Seeded xorshift, so every run
/// and every process gets the same tensor.
/// </summary>
internal static class CausalAttention
{
    public static float[] HeadMeans(int layers, int heads, int n, int seed, bool nearUniform = false)
    {
        var att = new float[(long)layers * n * n > int.MaxValue ? throw new ArgumentOutOfRangeException(nameof(n)) : layers * n * n];
        ulong state = 0x9E3779B97F4A7C15UL ^ (ulong)seed;
        var row = new double[n];
        for (int l = 0; l < layers; l++)
        {
            for (int h = 0; h < heads; h++)
            {
                for (int i = 0; i < n; i++)
                {
                    double max = double.NegativeInfinity;
                    for (int j = 0; j <= i; j++)
                    {
                        row[j] = (nearUniform ? 0.05 : 2.0) * Uniform(ref state);
                    }
                    if (!nearUniform)
                    {
                        row[0] += 5.0;
                        if (h % 2 == 1 && i > 0) row[i - 1] += 4.0;
                        row[(int)(Uniform(ref state) * (i + 1))] += 5.0;
                        row[(int)(Uniform(ref state) * (i + 1))] += 3.0;
                    }
                    for (int j = 0; j <= i; j++) max = Math.Max(max, row[j]);
                    double sum = 0;
                    for (int j = 0; j <= i; j++) sum += row[j] = Math.Exp(row[j] - max);
                    var target = att.AsSpan((l * n + i) * n, n);
                    double scale = 1.0 / (sum * heads);
                    for (int j = 0; j <= i; j++) target[j] += (float)(row[j] * scale);
                }
            }
        }
        return att;
    }

    private static double Uniform(ref ulong state)
    {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return (state >> 11) * (1.0 / (1UL << 53));
    }
}
