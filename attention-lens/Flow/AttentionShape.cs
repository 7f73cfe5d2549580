using System.Numerics;

namespace AttentionLens.Flow;

/// <summary>
/// The (L, H, T, T) layout of an attention tensor: layer, head, query row, key column, row-major,
/// as <c>transformers</c> returns it with <c>output_attentions=True</c> (batch sliced away).
/// </summary>
public readonly record struct AttentionShape(int Layers, int Heads, int Tokens)
{
    /// <summary>Largest accepted dimension product; guards against unbounded allocation.</summary>
    public const long MaxElements = 1L << 31;

    /// <summary>Tolerance on row sums (§ "rows sum to 1").</summary>
    public const double RowSumTolerance = 1e-3;

    public long Elements => (long)Layers * Heads * Tokens * Tokens;

    /// <summary>Offset of the (T × T) block of layer <paramref name="layer"/> (0-based) and head <paramref name="head"/>.</summary>
    public int BlockOffset(int layer, int head) => (layer * Heads + head) * Tokens * Tokens;

    /// <summary>Builds the shape from a tensor's dims, refusing anything that is not [L, H, T, T].</summary>
    public static AttentionShape FromDims(IReadOnlyList<int> dims, string source)
    {
        if (dims.Count != 4)
            throw new InvalidAttentionException($"{source}: attention must have rank 4 [layers, heads, tokens, tokens] but has rank {dims.Count} [{string.Join(", ", dims)}]; slice the batch axis away first.", source);
        if (dims[2] != dims[3])
            throw new InvalidAttentionException($"{source}: attention must be square in its last two axes but is [{string.Join(", ", dims)}].", source);
        return Create(dims[0], dims[1], dims[2], source);
    }

    /// <summary>Checks the dims are positive and bounded.</summary>
    public static AttentionShape Create(int layers, int heads, int tokens, string source = "attention")
    {
        if (layers <= 0 || heads <= 0 || tokens <= 0)
            throw new InvalidAttentionException($"{source}: layers, heads and tokens must be positive but are {layers}, {heads}, {tokens}.", source);
        var shape = new AttentionShape(layers, heads, tokens);
        if (shape.Elements > MaxElements)
            throw new InvalidAttentionException($"{source}: [{layers}, {heads}, {tokens}, {tokens}] is too large ({shape.Elements} elements, at most {MaxElements}); analyse fewer tokens.", source);
        return shape;
    }

    /// <summary>
    /// The shape of attention kept one layer at a time (<see cref="IHeadAttention"/>): only a layer's
    /// H·T² values must fit <see cref="MaxElements"/>; <see cref="BlockOffset"/> and the flat-span
    /// algorithms are then not for it when the whole exceeds one array.
    /// </summary>
    public static AttentionShape PerLayer(int layers, int heads, int tokens, string source = "attention")
    {
        if (layers <= 0 || heads <= 0 || tokens <= 0)
            throw new InvalidAttentionException($"{source}: layers, heads and tokens must be positive but are {layers}, {heads}, {tokens}.", source);
        if ((long)heads * tokens * tokens > Array.MaxLength)
            throw new InvalidAttentionException($"{source}: one layer of [{heads}, {tokens}, {tokens}] is too large ({(long)heads * tokens * tokens} values, at most {Array.MaxLength}); analyse fewer tokens.", source);
        return new AttentionShape(layers, heads, tokens);
    }

    /// <summary>
    /// Validates that <paramref name="attention"/> has this shape and holds distributions: finite,
    /// non-negative entries whose rows sum to 1 within <see cref="RowSumTolerance"/>.
    /// </summary>
    public void Validate<T>(ReadOnlySpan<T> attention, string source = "attention") where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (attention.Length != Elements)
            throw new InvalidAttentionException($"{source}: expected {Elements} values for [{Layers}, {Heads}, {Tokens}, {Tokens}] but got {attention.Length}.", source);
        int n = Tokens;
        for (int row = 0; row < attention.Length / n; row++)
        {
            var r = attention.Slice(row * n, n);
            double sum = 0;
            for (int j = 0; j < n; j++)
            {
                double v = double.CreateTruncating(r[j]);
                if (!double.IsFinite(v))
                    throw new InvalidAttentionException($"{source}: {Describe(row, j)} is {(double.IsNaN(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf")}; attention must be finite. Non-finite attention comes from non-finite weights or inputs upstream (a NaN/Inf or float32-overflowing tensor), not from a wrong layout.", source);
                if (v < 0)
                    throw new InvalidAttentionException($"{source}: {Describe(row, j)} is {v}; attention must be non-negative (a softmax output).", source);
                sum += v;
            }
            if (Math.Abs(sum - 1) > RowSumTolerance)
                throw new InvalidAttentionException($"{source}: row {Describe(row, -1)} sums to {sum:R}, not 1 (tolerance {RowSumTolerance}); pass post-softmax attention with rows = queries (a row that lost mass can also mean its scores overflowed float32: check the weights for huge values).", source);
        }
    }

    /// <summary>Checks a target position.</summary>
    public void CheckTarget(int target, string source = "target")
    {
        if (target < 0 || target >= Tokens)
            throw new InvalidAttentionException($"{source}: target position {target} is out of range; it must be in 0..{Tokens - 1}.", source);
    }

    private string Describe(int row, int col)
    {
        int layer = row / (Heads * Tokens), head = row / Tokens % Heads, query = row % Tokens;
        return col < 0 ? $"[layer {layer}, head {head}, query {query}]" : $"entry [layer {layer}, head {head}, query {query}, key {col}]";
    }
}
