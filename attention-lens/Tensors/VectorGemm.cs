using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using V = System.Runtime.Intrinsics.Vector128<float>;

namespace AttentionLens.Tensors;

/// <summary>
/// Portable micro-kernel on <c>Vector128</c>, 4×8: eight accumulators, fits the 16 registers of
/// SSE as well as Arm's 32. <c>MultiplyAddEstimate</c> fuses where the hardware can and falls back
/// to multiply-then-add elsewhere (an exact fused emulation would be far slower).
/// </summary>
internal readonly struct VectorGemm : IGemmKernel
{
    public static bool IsSupported => SimdSupport.IsSupported(SimdLevel.Vector128);
    public static SimdLevel Level => SimdLevel.Vector128;
    public static int MR => 4;
    public static int NR => 8;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Tile(float* a, nint lda, float* b, int kc, float* c, nint ldc, float* init, bool accumulate)
    {
        V c00, c01, c10, c11, c20, c21, c30, c31;
        if (accumulate)
        {
            c00 = Vector128.Load(c); c01 = Vector128.Load(c + 4);
            c10 = Vector128.Load(c + ldc); c11 = Vector128.Load(c + ldc + 4);
            c20 = Vector128.Load(c + 2 * ldc); c21 = Vector128.Load(c + 2 * ldc + 4);
            c30 = Vector128.Load(c + 3 * ldc); c31 = Vector128.Load(c + 3 * ldc + 4);
        }
        else
        {
            c00 = c10 = c20 = c30 = Vector128.Load(init);
            c01 = c11 = c21 = c31 = Vector128.Load(init + 4);
        }

        float* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda;
        for (int p = 0; p < kc; p++, b += 8)
        {
            V b0 = Vector128.Load(b), b1 = Vector128.Load(b + 4), x;
            x = Vector128.Create(a0[p]); c00 = Vector128.MultiplyAddEstimate(x, b0, c00); c01 = Vector128.MultiplyAddEstimate(x, b1, c01);
            x = Vector128.Create(a1[p]); c10 = Vector128.MultiplyAddEstimate(x, b0, c10); c11 = Vector128.MultiplyAddEstimate(x, b1, c11);
            x = Vector128.Create(a2[p]); c20 = Vector128.MultiplyAddEstimate(x, b0, c20); c21 = Vector128.MultiplyAddEstimate(x, b1, c21);
            x = Vector128.Create(a3[p]); c30 = Vector128.MultiplyAddEstimate(x, b0, c30); c31 = Vector128.MultiplyAddEstimate(x, b1, c31);
        }

        c00.Store(c); c01.Store(c + 4);
        c10.Store(c + ldc); c11.Store(c + ldc + 4);
        c20.Store(c + 2 * ldc); c21.Store(c + 2 * ldc + 4);
        c30.Store(c + 3 * ldc); c31.Store(c + 3 * ldc + 4);
    }
}
