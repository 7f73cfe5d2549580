using System.Numerics.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// The per-head attention probabilities (L, H, T, T) of one forward pass, kept as
/// <see cref="AttentionStorage"/> says: one flat float32 array (every input of ordinary length: the
/// exact path the goldens check), one float32 (H, T, T) array per layer (past one .NET array:
/// 16 layers × 32 heads × 2,051² = 2.15·10⁹ values), or one half-precision array per layer (half
/// the bytes: 4.3 GB instead of 8.6 GB for that input). Readers get a head or a row as float32 in a
/// span they provide, whatever the storage.
/// </summary>
public sealed class AttentionStore
{
    private readonly float[]? _flat;
    private readonly float[][]? _layers32;
    private readonly Half[][]? _layers16;

    private AttentionStore(int layers, int heads, int tokens, AttentionStorage storage, float[]? flat, float[][]? layers32, Half[][]? layers16)
    {
        Layers = layers;
        Heads = heads;
        Tokens = tokens;
        Storage = storage;
        _flat = flat;
        _layers32 = layers32;
        _layers16 = layers16;
    }

    public int Layers { get; }
    public int Heads { get; }
    public int Tokens { get; }
    public AttentionStorage Storage { get; }

    /// <summary>The whole (L, H, T, T) float32 array when the probabilities are kept in one, else null.</summary>
    public float[]? Flat => _flat;

    /// <summary>Values of one layer, H·T².</summary>
    public long LayerValues => (long)Heads * Tokens * Tokens;

    /// <summary>Bytes the probabilities take.</summary>
    public long Bytes => BytesFor(Layers, Heads, Tokens, Storage);

    /// <summary>Bytes of (L, H, T, T) probabilities kept as <paramref name="storage"/>.</summary>
    public static long BytesFor(long layers, long heads, long tokens, AttentionStorage storage) =>
        layers * heads * tokens * tokens * (storage == AttentionStorage.Float16 ? 2 : 4);

    /// <summary>True when one layer (H·T² values) fits one .NET array, which every storage needs.</summary>
    public static bool LayerFits(long heads, long tokens) => heads * tokens * tokens <= Array.MaxLength;

    /// <summary>Wraps an existing flat (L, H, T, T) float32 array (not copied).</summary>
    public static AttentionStore Wrap(float[] flat, int layers, int heads, int tokens)
    {
        ArgumentNullException.ThrowIfNull(flat);
        if (flat.LongLength != (long)layers * heads * tokens * tokens)
            throw new AttentionLensException($"attention: {flat.LongLength} values do not make [{layers}, {heads}, {tokens}, {tokens}].");
        return new AttentionStore(layers, heads, tokens, AttentionStorage.Float32, flat, null, null);
    }

    /// <summary>Uninitialised storage for a forward to fill (every value is written before it is read).
    /// Float32 is one flat array up to <paramref name="flatLimit"/> values (tests lower it to reach the
    /// per-layer layout on small shapes), else one array per layer.</summary>
    internal static AttentionStore Allocate(int layers, int heads, int tokens, AttentionStorage storage, long flatLimit = -1)
    {
        if (flatLimit < 0) flatLimit = Array.MaxLength;
        long perLayer = (long)heads * tokens * tokens;
        if (perLayer > Array.MaxLength)
            throw new AttentionLensException($"{tokens} tokens are too many: one layer's attention ({heads} heads × {tokens}² = {perLayer:N0} values) exceeds one array; analyse fewer tokens.");
        if (storage == AttentionStorage.Float16)
        {
            var half = new Half[layers][];
            for (int l = 0; l < layers; l++) half[l] = GC.AllocateUninitializedArray<Half>((int)perLayer);
            return new AttentionStore(layers, heads, tokens, storage, null, null, half);
        }
        if (layers * perLayer <= flatLimit)
            return new AttentionStore(layers, heads, tokens, storage, GC.AllocateUninitializedArray<float>((int)(layers * perLayer)), null, null);
        var single = new float[layers][];
        for (int l = 0; l < layers; l++) single[l] = GC.AllocateUninitializedArray<float>((int)perLayer);
        return new AttentionStore(layers, heads, tokens, storage, null, single, null);
    }

    /// <summary>True when the forward writes float32 straight into the store (<see cref="WritableLayer"/>);
    /// false when it writes a float32 layer elsewhere and hands it to <see cref="EncodeLayer"/>.</summary>
    internal bool WritesInPlace => _layers16 is null;

    /// <summary>The float32 (H, T, T) block of <paramref name="layer"/> for the forward to write.</summary>
    internal Span<float> WritableLayer(int layer)
    {
        int size = (int)LayerValues;
        if (_flat is not null) return _flat.AsSpan(layer * size, size);
        return _layers32 is not null ? _layers32[layer] : throw new InvalidOperationException("half-precision storage is written through EncodeLayer.");
    }

    /// <summary>Rounds the float32 (H, T, T) block <paramref name="probs"/> of <paramref name="layer"/>
    /// to half precision (round to nearest even, TensorPrimitives.ConvertToHalf).</summary>
    internal void EncodeLayer(int layer, ReadOnlySpan<float> probs) =>
        TensorPrimitives.ConvertToHalf(probs[..(int)LayerValues], _layers16![layer]);

    /// <summary>The float32 (H, T, T) block of <paramref name="layer"/> without a copy; only for
    /// float32 storage (half precision: read heads or rows with <see cref="ReadHead"/> / <see cref="ReadRow"/>).</summary>
    public ReadOnlySpan<float> Layer(int layer)
    {
        CheckLayer(layer);
        if (!WritesInPlace)
            throw new AttentionLensException($"this forward pass kept attention in half precision ({Tokens} tokens: a long input); read it one head or row at a time (AttentionStore.ReadHead / ReadRow).");
        return WritableLayer(layer);
    }

    /// <summary>Head <paramref name="head"/> of <paramref name="layer"/>, (T × T) row = query, as float32 into <paramref name="destination"/>.</summary>
    public void ReadHead(int layer, int head, Span<float> destination) => Read(layer, head, 0, Tokens, destination);

    /// <summary>Query row <paramref name="query"/> (T keys) of one head as float32 into <paramref name="destination"/>.</summary>
    public void ReadRow(int layer, int head, int query, Span<float> destination)
    {
        if ((uint)query >= (uint)Tokens) throw new ArgumentOutOfRangeException(nameof(query), $"query {query} is outside 0..{Tokens - 1}.");
        Read(layer, head, query, 1, destination);
    }

    private void Read(int layer, int head, int firstRow, int rows, Span<float> destination)
    {
        CheckLayer(layer);
        if ((uint)head >= (uint)Heads) throw new ArgumentOutOfRangeException(nameof(head), $"head {head} is outside 0..{Heads - 1}.");
        int n = Tokens, count = rows * n;
        if (destination.Length < count) throw new ArgumentException($"destination must hold {count} values.", nameof(destination));
        int offset = (head * n + firstRow) * n;
        if (_layers16 is not null) TensorPrimitives.ConvertToSingle(_layers16[layer].AsSpan(offset, count), destination);
        else WritableLayer(layer).Slice(offset, count).CopyTo(destination);
    }

    private void CheckLayer(int layer)
    {
        if ((uint)layer >= (uint)Layers) throw new ArgumentOutOfRangeException(nameof(layer), $"layer {layer} is outside 0..{Layers - 1}.");
    }
}
