using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>An attention output projection W_O split by head, for value-weighted attention
/// (Kobayashi et al. 2020, eq. 6): f_h(x_j) = v_j^h W_O^h, without the output bias.</summary>
public interface IHeadProjection
{
    /// <param name="valueHead">(T, D) values of one head.</param>
    /// <param name="output">(T, C) v^h W_O^h.</param>
    void HeadForward(IKernels kernels, ReadOnlySpan<float> valueHead, int head, Span<float> output, int tokens);
}
