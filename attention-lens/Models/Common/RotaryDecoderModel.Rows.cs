using AttentionLens.Tensors;

namespace AttentionLens.Models;

public abstract partial class RotaryDecoderModel : ICausalSuffixBody
{
    public SuffixRows Rows(ForwardInput input, int start) =>
        new(start, input.Length, input.AttentionMask, RopeRows(start, input.Length - start, input.Length), SlidingWindow);

    /// <summary>The rotary table of positions <paramref name="first"/>… (<paramref name="rows"/> of them) in an input of
    /// <paramref name="tokens"/>: the rows <see cref="Rope"/>(tokens) has there; a family whose table depends on the
    /// length (Phi-3's LongRoPE) overrides both.</summary>
    protected virtual RopeTable RopeRows(int first, int rows, int tokens) => new(rows, _rotaryDim, 0, _inverseFrequencies, firstPosition: first);

    /// <summary>The sliding window <see cref="Mask"/> applies (Phi-3's sliding_window), or null.</summary>
    protected virtual int? SlidingWindow => null;

    /// <summary>True unless the rotary table depends on the length (<see cref="ICausalSuffixBody.KeepsKeys"/>).</summary>
    public virtual bool KeepsKeys(int cached, int total) => true;

    public void EmbedRows(IKernels kernels, ForwardInput input, SuffixRows rows, Span<float> x) => EmbedTokens(input.InputIds.AsSpan(rows.Start), x);

    public void LayerRows(IKernels kernels, int layer, ReadOnlySpan<float> x, Span<float> y, SuffixRows rows, Span<float> keys, Span<float> values) =>
        SuffixLayer(layer).ForwardRows(kernels, x, y, rows, keys, values);

    public void LayerKeyValues(IKernels kernels, int layer, ReadOnlySpan<float> x, SuffixRows rows, Span<float> keys, Span<float> values) =>
        SuffixLayer(layer).KeyValues(kernels, x, rows, keys, values);

    private ISuffixDecoderLayer SuffixLayer(int layer) => _layers[layer] as ISuffixDecoderLayer
        ?? throw new AttentionLensException($"the {Info.ModelType} layers cannot be run from a cached prefix.");
}
