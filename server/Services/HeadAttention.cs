namespace AttentionLens.Server.Services;

/// <summary>
/// The per-head attention (L, H, T, T) of one analysis, kept by the session so that
/// attentionLens/attention answers without running the model: as the forward pass's own float
/// array when it fits <see cref="BudgetBytes"/>, as IEEE half precision (|error| ≤ 2⁻¹¹ relative,
/// ≤ 6e-8 absolute near 0 for probabilities) when half of it fits, otherwise not at all (the
/// caller then recomputes it with one forward pass).
/// </summary>
public sealed class HeadAttention
{
    /// <summary>Largest attention kept per analysis (64 MiB: BERT-base at T = 512 is 144 MiB in fp32, 72 MiB in half).</summary>
    public const long BudgetBytes = 64L << 20;

    private readonly float[]? _full;
    private readonly Half[]? _half;

    private HeadAttention(int layers, int heads, int tokens, float[]? full, Half[]? half)
    {
        Layers = layers;
        Heads = heads;
        Tokens = tokens;
        _full = full;
        _half = half;
    }

    public int Layers { get; }
    public int Heads { get; }
    public int Tokens { get; }
    public bool IsHalf => _half is not null;
    public long Bytes => _full is not null ? _full.LongLength * sizeof(float) : _half!.LongLength * 2;

    /// <summary>Keeps <paramref name="attentions"/> (not copied when fp32 fits), halves it, or returns null when neither fits.</summary>
    public static HeadAttention? Keep(float[] attentions, int layers, int heads, int tokens, long budgetBytes = BudgetBytes)
    {
        long n = attentions.LongLength;
        if (n * sizeof(float) <= budgetBytes) return new HeadAttention(layers, heads, tokens, attentions, null);
        if (n * 2 > budgetBytes) return null;
        var half = new Half[n];
        for (long i = 0; i < n; i++) half[i] = (Half)attentions[i];
        return new HeadAttention(layers, heads, tokens, null, half);
    }

    /// <summary>The (T × T) matrix of <paramref name="layer"/> (0-based) and <paramref name="head"/> as floats.</summary>
    public float[] Matrix(int layer, int head)
    {
        int nn = Tokens * Tokens;
        long offset = ((long)layer * Heads + head) * nn;
        if (_full is not null) return _full.AsSpan((int)offset, nn).ToArray();
        var m = new float[nn];
        for (int i = 0; i < nn; i++) m[i] = (float)_half![offset + i];
        return m;
    }
}
