using System.Buffers;

namespace AttentionLens.Flow;

/// <summary>
/// Attention rollout (docs/methods.md §3; Abnar and Zuidema 2020): R[1] = Â[1], R[l] = Â[l] · R[l−1].
/// R[l][t, j] is the share of input token j in position t after layer l.
/// </summary>
public static class Rollout
{
    /// <summary>(L × n × n): block l−1 holds R[l] (the reference's <c>rollout_all_layers</c>).</summary>
    public static double[] AllLayers(LayeredAttention attention, CancellationToken cancellationToken = default)
    {
        int n = attention.Tokens, nn = n * n;
        // Every value is written below (block 0 copied, the others by the products), so the
        // 24 MB a 12-layer n = 512 rollout takes need not be zeroed first.
        var joint = GC.AllocateUninitializedArray<double>(attention.Layers * nn);
        AllLayers(attention, joint, cancellationToken);
        return joint;
    }

    /// <summary>Writes every layer's rollout into <paramref name="destination"/> (L × n × n).</summary>
    public static void AllLayers(LayeredAttention attention, Span<double> destination, CancellationToken cancellationToken = default)
    {
        int n = attention.Tokens, nn = n * n;
        if (destination.Length != attention.Layers * nn)
            throw new ArgumentException($"destination must hold {attention.Layers * nn} values.", nameof(destination));
        attention.Block(0).CopyTo(destination);
        for (int l = 1; l < attention.Layers; l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            DenseMatMul.Multiply(attention.Block(l), destination.Slice((l - 1) * nn, nn), destination.Slice(l * nn, nn), n);
        }
    }

    /// <summary>(n × n) R[L], the rollout after the last layer.</summary>
    public static double[] Final(LayeredAttention attention, CancellationToken cancellationToken = default) =>
        Final(attention, 0, Span<double>.Empty, cancellationToken);

    /// <summary>
    /// (n × n) R[L], and, when <paramref name="targetRows"/> is not empty, row <paramref name="target"/>
    /// of every R[l] into it (L × n, as <see cref="TargetRows"/>) — what an analysis shows, without
    /// keeping all L matrices: the products alternate between the result and one pooled buffer
    /// (started on whichever makes R[L] land in the result), so a 12-layer n = 512 rollout touches
    /// 4 MB instead of newly allocating 24 MB, whose page faults cost as much as a fifth of the products.
    /// </summary>
    public static double[] Final(LayeredAttention attention, int target, Span<double> targetRows, CancellationToken cancellationToken = default)
    {
        int n = attention.Tokens, nn = n * n, layers = attention.Layers;
        if (!targetRows.IsEmpty && (targetRows.Length != layers * n || (uint)target >= (uint)n))
            throw new ArgumentException($"targetRows must hold {layers} × {n} values and target be below {n}.", nameof(targetRows));
        var result = GC.AllocateUninitializedArray<double>(nn);
        var pooled = ArrayPool<double>.Shared.Rent(nn);
        try
        {
            var other = pooled.AsSpan(0, nn);
            var current = (layers - 1) % 2 == 0 ? result.AsSpan() : other;
            var next = (layers - 1) % 2 == 0 ? other : result.AsSpan();
            attention.Block(0).CopyTo(current);
            for (int l = 0; ; l++)
            {
                if (!targetRows.IsEmpty) current.Slice(target * n, n).CopyTo(targetRows.Slice(l * n, n));
                if (l == layers - 1) break;
                cancellationToken.ThrowIfCancellationRequested();
                DenseMatMul.Multiply(attention.Block(l + 1), current, next, n);
                var swap = current;
                current = next;
                next = swap;
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(pooled);
        }
        return result;
    }

    /// <summary>(L × n) from every layer's rollout: row l−1 is R[l][<paramref name="target"/>, ·].</summary>
    public static double[] TargetRows(ReadOnlySpan<double> allLayers, int layers, int tokens, int target)
    {
        var rows = new double[layers * tokens];
        for (int l = 0; l < layers; l++)
            allLayers.Slice(l * tokens * tokens + target * tokens, tokens).CopyTo(rows.AsSpan(l * tokens, tokens));
        return rows;
    }
}
