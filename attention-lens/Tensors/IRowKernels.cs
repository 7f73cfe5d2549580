namespace AttentionLens.Tensors;

/// <summary>The element-wise and row-wise kernels of one instruction-set path
/// (<see cref="SimdKernels{TS,TV}"/>); <see cref="CpuKernels"/> picks one at construction.</summary>
internal interface IRowKernels
{
    void Softmax(Span<float> x, int rows, int cols);

    /// <summary>x = softmax(x·scale + bias) row-wise; bias is rows×cols or empty. The scaling is a
    /// multiply then an add (not fused), as the reference loop computes it.</summary>
    void ScaleBiasSoftmax(Span<float> x, int rows, int cols, float scale, ReadOnlySpan<float> bias);
    void LayerNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y, int rows, int cols, float eps);
    void RmsNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, Span<float> y, int rows, int cols, float eps);
    void Activate(Span<float> x, Activation activation);
    void SiluMultiply(Span<float> a, ReadOnlySpan<float> b);
    void Add(Span<float> a, ReadOnlySpan<float> b);
    void Rope(Span<float> x, int tokens, int heads, int headDim, RopeTable table);
}
