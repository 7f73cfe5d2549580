using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>LlamaRMSNorm (modeling_llama.py): x / sqrt(mean(x²) + eps) · weight, in float32.</summary>
public sealed class RmsNorm : INorm
{
    private readonly ReadOnlyMemory<float> _weight;
    private readonly int _size;
    private readonly float _eps;

    private RmsNorm(ReadOnlyMemory<float> weight, int size, float eps)
    {
        _weight = weight;
        _size = size;
        _eps = eps;
    }

    public static RmsNorm Load(WeightScope w, int size, double eps) => new(w.Get("weight", size), size, (float)eps);

    public void Forward(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, int rows) =>
        kernels.RmsNorm(x, _weight.Span, y, rows, _size, _eps);

    /// <summary>
    /// The factor this norm applies to each element of <paramref name="x"/>'s rows with their statistics
    /// fixed: gains[i, k] = w_k / √(mean(x_i²) + ε) (information-flow routes carry the parts of x through it).
    /// </summary>
    public void Gains(ReadOnlySpan<float> x, Span<float> gains, int rows) => Gains(_weight.Span, _eps, x, gains, rows);

    /// <summary><see cref="Gains(ReadOnlySpan{float}, Span{float}, int)"/> for any RMSNorm gain <paramref name="w"/> (Gemma's 1 + w too).</summary>
    internal static void Gains(ReadOnlySpan<float> w, float eps, ReadOnlySpan<float> x, Span<float> gains, int rows)
    {
        int c = w.Length;
        for (int i = 0; i < rows; i++)
        {
            var row = x.Slice(i * c, c);
            double squares = 0;
            foreach (var v in row) squares += (double)v * v;
            float inverse = (float)(1 / Math.Sqrt(squares / c + eps));
            for (int k = 0; k < c; k++) gains[i * c + k] = w[k] * inverse;
        }
    }

    public void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int rows) =>
        NormBackward.RmsNorm(x, _weight.Span, dy, dx, rows, _size, _eps);
}
