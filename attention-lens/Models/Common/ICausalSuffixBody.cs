using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// A decoder body under <see cref="DecoderTaskModel"/> that can recompute the rows after a cached prefix
/// (GPT-NeoX, OPT, Phi, Phi-3, Gemma, Gemma 2, OLMo-2), so its causal-LM head implements
/// <see cref="ICausalPrefixReuse"/> (occlusion from the first removed token, text generation one token at a time).
/// In a causal model position i reads only positions ≤ i: the keys and values of rows before the first
/// changed one are those of the cached forward, and each layer needs only the new rows' queries,
/// keys, values and feed-forward.
/// </summary>
public interface ICausalSuffixBody : IDecoderBody
{
    /// <summary>The positions, mask and rotary table of rows <paramref name="start"/>… of <paramref name="input"/>.</summary>
    SuffixRows Rows(ForwardInput input, int start);

    /// <summary>Hidden state 0 of rows <paramref name="rows"/>.Start… of <paramref name="input"/> into <paramref name="x"/> (R, C).</summary>
    void EmbedRows(IKernels kernels, ForwardInput input, SuffixRows rows, Span<float> x);

    /// <summary>
    /// Layer <paramref name="layer"/> on the R rows <paramref name="x"/> into <paramref name="y"/> (R, C each): writes
    /// their keys and values into rows Start… of <paramref name="keys"/> and <paramref name="values"/> ((≥ T, H_kv·D),
    /// rows before Start filled) and attends over all T.
    /// </summary>
    void LayerRows(IKernels kernels, int layer, ReadOnlySpan<float> x, Span<float> y, SuffixRows rows, Span<float> keys, Span<float> values);

    /// <summary>Layer <paramref name="layer"/>'s keys and values (after rotary embeddings) of the R rows of its input
    /// <paramref name="x"/>, into rows Start… of <paramref name="keys"/> and <paramref name="values"/>: how a forward's
    /// hidden states fill a <see cref="KeyValueCache"/>.</summary>
    void LayerKeyValues(IKernels kernels, int layer, ReadOnlySpan<float> x, SuffixRows rows, Span<float> keys, Span<float> values);

    /// <summary>Whether keys cached by a forward of <paramref name="cached"/> tokens are those a forward of
    /// <paramref name="total"/> tokens computes: false where the rotary table depends on the length (Phi-3's
    /// LongRoPE switching to its long factors past original_max_position_embeddings), so an append recomputes them.</summary>
    bool KeepsKeys(int cached, int total);
}
