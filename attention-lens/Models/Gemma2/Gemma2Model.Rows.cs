using AttentionLens.Models.Gemma;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Gemma2;

public sealed partial class Gemma2Model : ICausalSuffixBody
{
    /// <summary>The local layers' window rides on the rows; <see cref="LayerRows"/> drops it for the global layers.</summary>
    public SuffixRows Rows(ForwardInput input, int start) =>
        new(start, input.Length, input.AttentionMask, new RopeTable(input.Length - start, Info.HeadDim, 0, _inverseFrequencies, firstPosition: start), _slidingWindow);

    public bool KeepsKeys(int cached, int total) => true;

    public void EmbedRows(IKernels kernels, ForwardInput input, SuffixRows rows, Span<float> x) =>
        GemmaModel.ScaledLookup(Embed, input.InputIds.AsSpan(rows.Start), x, Info.HiddenSize);

    public void LayerRows(IKernels kernels, int layer, ReadOnlySpan<float> x, Span<float> y, SuffixRows rows, Span<float> keys, Span<float> values) =>
        _layers[layer].ForwardRows(kernels, x, y, _layers[layer].IsSliding ? rows : rows with { Window = null }, keys, values);

    public void LayerKeyValues(IKernels kernels, int layer, ReadOnlySpan<float> x, SuffixRows rows, Span<float> keys, Span<float> values) =>
        _layers[layer].KeyValues(kernels, x, rows, keys, values);
}
