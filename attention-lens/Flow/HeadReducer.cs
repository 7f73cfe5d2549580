using System.Numerics;

namespace AttentionLens.Flow;

/// <summary>Head reduction (docs/methods.md §1) of one layer into a (T × T) double matrix.</summary>
public static class HeadReducer
{
    /// <summary>
    /// Writes the reduction of layer <paramref name="layer"/> (0-based) over <paramref name="heads"/>
    /// (null = all) into <paramref name="destination"/> (T × T). The mean is computed as the
    /// reference does, Σ_h A / H with heads added in index order, in double.
    /// </summary>
    public static void Reduce<T>(ReadOnlySpan<T> attention, AttentionShape shape, int layer, HeadAggregate aggregate, IReadOnlyList<int>? heads, Span<double> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int count = Check(shape, layer, heads, destination);
        int nn = shape.Tokens * shape.Tokens;
        for (int k = 0; k < count; k++)
            Accumulate(attention.Slice(shape.BlockOffset(layer, HeadAt(shape, heads, k)), nn), k, aggregate, destination);
        if (aggregate == HeadAggregate.Mean) Finish(count, destination);
    }

    /// <summary>
    /// The same reduction of attention read one head at a time (long inputs, <see cref="IHeadAttention"/>):
    /// each head is decoded into one T × T float32 buffer and added in the same order, so float32
    /// storage gives the same doubles as the flat overload.
    /// </summary>
    public static void Reduce(IHeadAttention attention, int layer, HeadAggregate aggregate, IReadOnlyList<int>? heads, Span<double> destination)
    {
        ArgumentNullException.ThrowIfNull(attention);
        var shape = attention.Shape;
        int count = Check(shape, layer, heads, destination);
        var block = new float[shape.Tokens * shape.Tokens];
        for (int k = 0; k < count; k++)
        {
            attention.ReadHead(layer, HeadAt(shape, heads, k), block);
            Accumulate<float>(block, k, aggregate, destination);
        }
        if (aggregate == HeadAggregate.Mean) Finish(count, destination);
    }

    private static int Check(AttentionShape shape, int layer, IReadOnlyList<int>? heads, Span<double> destination)
    {
        int nn = shape.Tokens * shape.Tokens;
        if (destination.Length != nn)
            throw new ArgumentException($"destination must hold {nn} values.", nameof(destination));
        if ((uint)layer >= (uint)shape.Layers)
            throw new InvalidAttentionException($"layer {layer} is out of range 0..{shape.Layers - 1}.");
        int count = heads?.Count ?? shape.Heads;
        if (count == 0)
            throw new InvalidAttentionException("the head subset is empty; choose at least one head.");
        return count;
    }

    private static int HeadAt(AttentionShape shape, IReadOnlyList<int>? heads, int k)
    {
        int h = heads is null ? k : heads[k];
        if ((uint)h >= (uint)shape.Heads)
            throw new InvalidAttentionException($"head {h} in the head subset is out of range 0..{shape.Heads - 1}.");
        return h;
    }

    /// <summary>Folds the k-th head's block into the running reduction (the first one initialises it).</summary>
    private static void Accumulate<T>(ReadOnlySpan<T> block, int k, HeadAggregate aggregate, Span<double> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int nn = destination.Length;
        if (k == 0)
        {
            for (int e = 0; e < nn; e++) destination[e] = double.CreateTruncating(block[e]);
            return;
        }
        switch (aggregate)
        {
            case HeadAggregate.Mean:
            case HeadAggregate.Sum:
                for (int e = 0; e < nn; e++) destination[e] += double.CreateTruncating(block[e]);
                break;
            case HeadAggregate.Max:
                for (int e = 0; e < nn; e++) destination[e] = Math.Max(destination[e], double.CreateTruncating(block[e]));
                break;
            case HeadAggregate.Min:
                for (int e = 0; e < nn; e++) destination[e] = Math.Min(destination[e], double.CreateTruncating(block[e]));
                break;
        }
    }

    private static void Finish(int count, Span<double> destination)
    {
        for (int e = 0; e < destination.Length; e++) destination[e] /= count;
    }
}
