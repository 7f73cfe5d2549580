namespace AttentionLens.Tensors;

/// <summary><see cref="ScalarKernels"/> behind the <see cref="IKernels"/> seam: slow, single-threaded,
/// the specification — for comparisons and benchmarks, not for production.</summary>
public sealed class ScalarReferenceKernels : IKernels
{
    public static ScalarReferenceKernels Instance { get; } = new();

    public void MatMulTransposed(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int m, int k, int n)
        => ScalarKernels.MatMulTransposed(a, b, bias, c, m, k, n);

    public void MatMul(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int m, int k, int n)
        => ScalarKernels.MatMul(a, b, bias, c, m, k, n);

    public void Softmax(Span<float> x, int rows, int cols) => ScalarKernels.Softmax(x, rows, cols);

    public void LayerNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y, int rows, int cols, float eps)
        => ScalarKernels.LayerNorm(x, gamma, beta, y, rows, cols, eps);

    public void RmsNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, Span<float> y, int rows, int cols, float eps)
        => ScalarKernels.RmsNorm(x, gamma, y, rows, cols, eps);

    public void Activate(Span<float> x, Activation activation) => ScalarKernels.Activate(x, activation);

    public void SiluMultiply(Span<float> a, ReadOnlySpan<float> b) => ScalarKernels.SiluMultiply(a, b);

    public void Rope(Span<float> x, int tokens, int heads, int headDim, RopeTable table)
        => ScalarKernels.Rope(x, tokens, heads, headDim, table);
}
