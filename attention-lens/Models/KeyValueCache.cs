namespace AttentionLens.Models;

/// <summary>
/// The keys and values every layer computed for one input (after rotary embeddings where the model
/// has them): (T, H_kv·D) per layer. In a causal model position i reads only positions ≤ i, so
/// changing the input at position j (or masking it out) leaves every key and value before j as
/// they are: a forward of the changed input can reuse them and recompute rows j… only
/// (<see cref="ICausalPrefixReuse"/>).
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

    /// <summary>The input the cache was filled for.</summary>
    public ForwardInput Input { get; }

    public int Tokens => Input.Length;

    /// <summary>H_kv·D: the width of a key or value row.</summary>
    public int Width { get; }

    public float[][] Keys { get; }

    public float[][] Values { get; }
}
