using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Gemma;

/// <summary>
/// modeling_gemma.py GemmaRMSNorm (and Gemma2RMSNorm): x / sqrt(mean(x²) + eps) · (1 + weight), in
/// float32: the stored weight is the gain's offset from one, so a zero-initialised norm is the
/// identity. The gain 1 + w is rounded to float32 once at load, as torch computes it per call.
/// </summary>
public sealed class GemmaRmsNorm : INorm
{
    private readonly float[] _gain;
    private readonly float _eps;

    private GemmaRmsNorm(float[] gain, float eps)
    {
        _gain = gain;
        _eps = eps;
    }

    public static GemmaRmsNorm Load(WeightScope w, int size, double eps)
    {
        var weight = w.Get("weight", size).Span;
        var gain = new float[size];
        for (int i = 0; i < size; i++) gain[i] = 1f + weight[i];
        return new GemmaRmsNorm(gain, (float)eps);
    }

    public void Forward(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, int rows) =>
        kernels.RmsNorm(x, _gain, y, rows, _gain.Length, _eps);

    /// <summary>
    /// The factor this norm applies to each element of <paramref name="x"/>'s rows with their statistics
    /// fixed: gains[i, k] = (1 + w)_k / √(mean(x_i²) + ε) (information-flow routes carry the parts of x through it).
    /// </summary>
    public void Gains(ReadOnlySpan<float> x, Span<float> gains, int rows) => RmsNorm.Gains(_gain, _eps, x, gains, rows);

    public void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int rows) =>
        NormBackward.RmsNorm(x, _gain, dy, dx, rows, _gain.Length, _eps);
}
