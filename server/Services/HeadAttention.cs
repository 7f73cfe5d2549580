using AttentionLens.Models;

namespace AttentionLens.Server.Services;

/// <summary>
/// The per-head attention (L, H, T, T) of one analysis, kept by the session so that
/// attentionLens/attention answers without running the model: as the forward pass's own float
/// array when it fits <see cref="BudgetBytes"/>, as IEEE half precision (|error| ≤ 2⁻¹¹ relative,
/// ≤ 6e-8 absolute near 0 for probabilities) when half of it fits; past that (a long input, whose
/// forward kept its attention per layer, maybe in half precision) as the forward's own
/// <see cref="AttentionStore"/>, counted against the server's memory budget through a
/// <see cref="BudgetHold"/> (<see cref="Held"/>); otherwise not at all (the caller then recomputes
/// it with one forward pass).
/// </summary>
public sealed class HeadAttention
{
    /// <summary>Largest attention kept per analysis (64 MiB: BERT-base at T = 512 is 144 MiB in fp32, 72 MiB in half).</summary>
    public const long BudgetBytes = 64L << 20;

    private readonly float[]? _full;
    private readonly Half[]? _half;
    private readonly AttentionStore? _store;

    private HeadAttention(int layers, int heads, int tokens, float[]? full, Half[]? half, AttentionStore? store = null, BudgetHold? hold = null)
    {
        _store = store;
        Hold = hold;
        Layers = layers;
        Heads = heads;
        Tokens = tokens;
        _full = full;
        _half = half;
    }

    public int Layers { get; }
    public int Heads { get; }
    public int Tokens { get; }
    public bool IsHalf => _half is not null || _store?.Storage == AttentionStorage.Float16;
    public long Bytes => _store is not null ? _store.Bytes : _full is not null ? _full.LongLength * sizeof(float) : _half!.LongLength * 2;

    /// <summary>The budget hold of a forward's store kept whole (<see cref="Held"/>); null for the session's own copies.</summary>
    public BudgetHold? Hold { get; }

    /// <summary>
    /// Keeps a forward pass's <paramref name="store"/> as it is (per layer, float32 or half precision:
    /// no copy), with a hold of its bytes for the cache's books; <paramref name="reclaim"/> is called
    /// when the cache takes the memory back. Pass the hold to <see cref="ModelCache.TryHold"/>.
    /// </summary>
    public static HeadAttention Held(AttentionStore store, string description, Action reclaim)
    {
        ArgumentNullException.ThrowIfNull(store);
        return new HeadAttention(store.Layers, store.Heads, store.Tokens, null, null, store, new BudgetHold(store.Bytes, description, reclaim));
    }

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
        if (_store is not null)
        {
            var read = new float[nn];
            _store.ReadHead(layer, head, read); // half precision decoded exactly to float32
            return read;
        }
        long offset = ((long)layer * Heads + head) * nn;
        if (_full is not null) return _full.AsSpan((int)offset, nn).ToArray();
        var m = new float[nn];
        for (int i = 0; i < nn; i++) m[i] = (float)_half![offset + i];
        return m;
    }
}
