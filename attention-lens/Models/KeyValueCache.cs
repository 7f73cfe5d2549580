namespace AttentionLens.Models;

/// <summary>
/// The keys and values every layer computed for one input (after rotary embeddings where the model
/// has them): (T, H_kv·D) per layer. In a causal model position i reads only positions ≤ i, so
/// changing the input at position j (or masking it out) leaves every key and value before j as
/// they are: a forward of the changed input can reuse them and recompute rows j… only
/// (<see cref="ICausalPrefixReuse"/>). For the same reason tokens appended after the input need
/// only their own rows (<see cref="ICausalPrefixReuse.AppendTokens"/>, text generation): the cache
/// then grows, its rows past <see cref="Tokens"/> being room reserved for them.
/// </summary>
public sealed class KeyValueCache
{
    public KeyValueCache(ForwardInput input, int layers, int width)
    {
        Input = input;
        Width = width;
        Keys = new float[layers][];
        Values = new float[layers][];
        for (int l = 0; l < layers; l++)
        {
            Keys[l] = GC.AllocateUninitializedArray<float>(checked(input.Length * width));
            Values[l] = GC.AllocateUninitializedArray<float>(checked(input.Length * width));
        }
    }

    /// <summary>The input the cache holds the keys and values of (grows with appended tokens).</summary>
    public ForwardInput Input { get; private set; }

    public int Tokens => Input.Length;

    /// <summary>Rows each layer's arrays have room for (≥ <see cref="Tokens"/>).</summary>
    public int Capacity => Width == 0 ? int.MaxValue : Keys.Length == 0 ? Tokens : Keys[0].Length / Width;

    /// <summary>H_kv·D: the width of a key or value row.</summary>
    public int Width { get; }

    /// <summary>Per layer, (Capacity, Width) keys; rows 0…Tokens−1 are filled.</summary>
    public float[][] Keys { get; }

    public float[][] Values { get; }

    /// <summary>Makes room for <paramref name="tokens"/> rows per layer, keeping the filled ones
    /// (at least doubling, so appending one token at a time copies O(T) rows in all).</summary>
    public void Reserve(int tokens)
    {
        if (tokens <= Capacity) return;
        int rows = Math.Max(tokens, Math.Min(2 * Math.Max(Capacity, 1), int.MaxValue / Math.Max(Width, 1)));
        for (int l = 0; l < Keys.Length; l++)
        {
            Keys[l] = Grown(Keys[l], rows);
            Values[l] = Grown(Values[l], rows);
        }
    }

    /// <summary>
    /// Records <paramref name="ids"/> as appended after the input, once the model has written their
    /// rows (positions Tokens…) into every layer. Until then a cancelled append leaves the cache as
    /// it was: rows past <see cref="Tokens"/> are never read.
    /// </summary>
    public void Commit(ReadOnlySpan<int> ids)
    {
        if (Tokens + ids.Length > Capacity)
            throw new AttentionLensException($"{ids.Length} appended tokens do not fit a key/value cache of {Capacity} rows holding {Tokens}; reserve room first.");
        Input = Appended(ids);
    }

    /// <summary>The cache's input with <paramref name="ids"/> after it (attended where the input has a mask):
    /// the input an append computes the rows of, which <see cref="Commit"/> then records.</summary>
    public ForwardInput Appended(ReadOnlySpan<int> ids)
    {
        if (Input.TokenTypeIds is not null)
            throw new AttentionLensException("tokens cannot be appended to an input with token type ids: give the input without them.");
        var all = new int[Tokens + ids.Length];
        Input.InputIds.CopyTo(all, 0);
        ids.CopyTo(all.AsSpan(Tokens));
        int[]? mask = null;
        if (Input.AttentionMask is { } kept)
        {
            mask = new int[all.Length];
            kept.CopyTo(mask, 0);
            mask.AsSpan(Tokens).Fill(1);
        }
        return Input with { InputIds = all, AttentionMask = mask };
    }

    private float[] Grown(float[] array, int rows)
    {
        var grown = GC.AllocateUninitializedArray<float>(checked(rows * Width));
        array.AsSpan(0, Math.Min(array.Length, Tokens * Width)).CopyTo(grown);
        return grown;
    }
}
