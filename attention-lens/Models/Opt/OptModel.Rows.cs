using AttentionLens.Tensors;

namespace AttentionLens.Models.Opt;

public sealed partial class OptModel : ICausalSuffixBody
{
    /// <summary>OPT's positions are learned (no rotary table) and it has no sliding window.</summary>
    public SuffixRows Rows(ForwardInput input, int start) => new(start, input.Length, input.AttentionMask, null, null);

    public bool KeepsKeys(int cached, int total) => true;

    /// <summary>
    /// OPTLearnedPositionalEmbedding's rows: position i = cumsum(mask)_i · mask_i − 1, looked up at
    /// position + 2 (padding at row 1), so a row's position depends on the mask before it.
    /// </summary>
    private static int[] PositionRows(int[]? mask, int tokens)
    {
        var positions = new int[tokens];
        int running = 0;
        for (int i = 0; i < tokens; i++)
        {
            int m = mask?[i] ?? 1;
            running += m;
            positions[i] = running * m - 1 + PositionOffset;
        }
        return positions;
    }

    /// <summary>embed_tokens (→ project_in) of rows Start… plus their learned positions in the whole input.</summary>
    public void EmbedRows(IKernels kernels, ForwardInput input, SuffixRows rows, Span<float> x)
    {
        var ids = input.InputIds.AsSpan(rows.Start);
        if (_projectIn is null) Embed.Lookup(ids, x, accumulate: false);
        else
        {
            using var wordsBuffer = new Scratch(rows.Rows * Embed.Dim);
            Embed.Lookup(ids, wordsBuffer.Span, accumulate: false);
            _projectIn.Forward(kernels, wordsBuffer.Span, x, rows.Rows);
        }
        _positions.Lookup(PositionRows(input.AttentionMask, input.Length).AsSpan(rows.Start), x, accumulate: true);
    }

    public void LayerRows(IKernels kernels, int layer, ReadOnlySpan<float> x, Span<float> y, SuffixRows rows, Span<float> keys, Span<float> values) =>
        _layers[layer].ForwardRows(kernels, x, y, rows, keys, values);

    public void LayerKeyValues(IKernels kernels, int layer, ReadOnlySpan<float> x, SuffixRows rows, Span<float> keys, Span<float> values) =>
        _layers[layer].KeyValues(kernels, x, rows, keys, values);
}
