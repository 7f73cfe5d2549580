namespace AttentionLens.Tensors;

/// <summary>The instruction-set path a <see cref="CpuKernels"/> instance runs. The best level the
/// CPU supports is chosen by default; a lower one can be forced to compare or test the variants.</summary>
public enum SimdLevel
{
    /// <summary>128-bit vectors through the portable <c>Vector128</c> API (SSE on x64, AdvSimd on Arm).</summary>
    Vector128,
    /// <summary>256-bit AVX2 with fused multiply-add.</summary>
    Avx2,
    /// <summary>512-bit AVX-512F (AVX-512 foundation; fused multiply-add included).</summary>
    Avx512,
}
