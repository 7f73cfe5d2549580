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
        int nn = shape.Tokens * shape.Tokens;
        if (destination.Length != nn)
            throw new ArgumentException($"destination must hold {nn} values.", nameof(destination));
        if ((uint)layer >= (uint)shape.Layers)
            throw new InvalidAttentionException($"layer {layer} is out of range 0..{shape.Layers - 1}.");
        int count = heads?.Count ?? shape.Heads;
        if (count == 0)
            throw new InvalidAttentionException("the head subset is empty; choose at least one head.");
        for (int k = 0; k < count; k++)
        {
            int h = heads is null ? k : heads[k];
            if ((uint)h >= (uint)shape.Heads)
                throw new InvalidAttentionException($"head {h} in the head subset is out of range 0..{shape.Heads - 1}.");
            var block = attention.Slice(shape.BlockOffset(layer, h), nn);
            if (k == 0)
            {
                for (int e = 0; e < nn; e++) destination[e] = double.CreateTruncating(block[e]);
                continue;
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
        if (aggregate == HeadAggregate.Mean)
        {
            for (int e = 0; e < nn; e++) destination[e] /= count;
        }
    }
}
