namespace AttentionLens.Models;

/// <summary>
/// What a multi-head attention with as many key/value heads as query heads keeps on a layer's tape for its backward
/// (<see cref="AttentionBackward.Batch"/> reads them): q, k, v as (b·T, H·d) rows, after whatever the forward applies
/// to them before the scores (RoPE), and the probabilities P (b, H, T, T). GPT-NeoX's and OPT's attentions keep this;
/// <see cref="RotaryAttention.Kept"/> adds grouped key/value heads and the q/k norms' inputs.
/// </summary>
internal sealed class KeptAttention
{
    private KeptAttention(Memory<float> q, Memory<float> k, Memory<float> v, Memory<float> probs) => (Q, K, V, Probs) = (q, k, v, probs);

    public Memory<float> Q { get; }
    public Memory<float> K { get; }
    public Memory<float> V { get; }
    public Memory<float> Probs { get; }

    /// <summary>The four buffers for <paramref name="batch"/> sequences of <paramref name="tokens"/>, from the pass's arena.</summary>
    public static KeptAttention Take(TapeArena arena, int batch, int tokens, int heads, int headDim)
    {
        int rows = batch * tokens, c = heads * headDim;
        return new KeptAttention(arena.Take(rows * c), arena.Take(rows * c), arena.Take(rows * c), arena.Take(batch * heads * tokens * tokens));
    }

    /// <summary>Floats <see cref="Take"/> keeps per sequence: 3·T·H·d + H·T².</summary>
    public static long Floats(int tokens, int heads, int headDim) => 3L * tokens * heads * headDim + (long)heads * tokens * tokens;
}
