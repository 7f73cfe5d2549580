namespace AttentionLens.Flow;

/// <summary>
/// Per-head attention (L, H, T, T) read one head or one query row at a time into a caller's float32
/// span, for inputs whose attention is not one array (kept per layer, or in half precision: the
/// analysis adapts the models' store to this). The flat-span overloads of the algorithms stay the
/// exact path for ordinary inputs.
/// </summary>
public interface IHeadAttention
{
    /// <summary>The (L, H, T, T) shape (built with <see cref="AttentionShape.PerLayer"/>: it may exceed one array).</summary>
    AttentionShape Shape { get; }

    /// <summary>Writes head <paramref name="head"/> of layer <paramref name="layer"/> (0-based), T × T row = query, into <paramref name="destination"/>.</summary>
    void ReadHead(int layer, int head, Span<float> destination);

    /// <summary>Writes query row <paramref name="query"/> (T keys) of one head into <paramref name="destination"/>.</summary>
    void ReadRow(int layer, int head, int query, Span<float> destination);
}
