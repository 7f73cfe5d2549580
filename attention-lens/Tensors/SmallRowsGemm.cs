using System.Runtime.CompilerServices;

namespace AttentionLens.Tensors;

/// <summary>
/// C = A·Bᵀ (+ bias) for few rows of A (short sequences), B being n×k (a linear layer's weight).
/// Packing B would cost about as much as the product itself when m is this small, so this kernel
/// reads both operands in place: every C element is a dot product over k, vectorised along k, two
/// rows of A against four rows of B at a time (8 accumulators: a k-chunk of each B row is loaded
/// once for both A rows), reduced horizontally at the end.
/// </summary>
internal static unsafe class SmallRowsGemm<TS, TV> where TS : struct, ISimd<TV> where TV : struct
{
    /// <summary>Columns [j0, j1) of C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(float* a, float* b, float* bias, float* c, int m, int k, int n, int j0, int j1)
    {
        int j = j0;
        for (; j + 4 <= j1; j += 4)
        {
            int i = 0;
            for (; i + 2 <= m; i += 2) Block2x4(a + (nint)i * k, b + (nint)j * k, k, c + (nint)i * n + j, n, bias == null ? null : bias + j);
            for (; i < m; i++)
                for (int jj = j; jj < j + 4; jj++) c[(nint)i * n + jj] = Dot(a + (nint)i * k, b + (nint)jj * k, k) + (bias == null ? 0f : bias[jj]);
        }

        for (; j < j1; j++)
            for (int i = 0; i < m; i++) c[(nint)i * n + j] = Dot(a + (nint)i * k, b + (nint)j * k, k) + (bias == null ? 0f : bias[j]);
    }

    /// <summary>
    /// <see cref="Run"/> for a 16-bit B: four rows of B at a time are widened exactly into a float
    /// buffer (4·k floats, in L1/L2) and multiplied from there, so the weight is read once, in its
    /// stored width, and never widened as a whole.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run16(float* a, ushort* b, WeightElementType type, SimdLevel level, float* bias, float* c, int m, int k, int n, int j0, int j1)
    {
        float[] rented = System.Buffers.ArrayPool<float>.Shared.Rent(4 * k);
        try
        {
            fixed (float* wide = rented)
            {
                int j = j0;
                for (; j + 4 <= j1; j += 4)
                {
                    HalfWidening.Widen(b + (nint)j * k, wide, 4 * k, type, level);
                    int i = 0;
                    for (; i + 2 <= m; i += 2) Block2x4(a + (nint)i * k, wide, k, c + (nint)i * n + j, n, bias == null ? null : bias + j);
                    for (; i < m; i++)
                        for (int jj = 0; jj < 4; jj++) c[(nint)i * n + j + jj] = Dot(a + (nint)i * k, wide + (nint)jj * k, k) + (bias == null ? 0f : bias[j + jj]);
                }

                for (; j < j1; j++)
                {
                    HalfWidening.Widen(b + (nint)j * k, wide, k, type, level);
                    for (int i = 0; i < m; i++) c[(nint)i * n + j] = Dot(a + (nint)i * k, wide, k) + (bias == null ? 0f : bias[j]);
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(rented);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block2x4(float* a0, float* b0, int k, float* c, int ldc, float* bias)
    {
        float* a1 = a0 + k;
        float* b1 = b0 + k, b2 = b0 + 2 * k, b3 = b0 + 3 * k;
        TV s00 = TS.Splat(0f), s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00, s13 = s00;
        int w = TS.Count, p = 0;
        for (; p + w <= k; p += w)
        {
            TV x0 = TS.Load(ref a0[0], (nuint)p), x1 = TS.Load(ref a1[0], (nuint)p);
            TV y = TS.Load(ref b0[0], (nuint)p);
            s00 = TS.MultiplyAdd(x0, y, s00); s10 = TS.MultiplyAdd(x1, y, s10);
            y = TS.Load(ref b1[0], (nuint)p);
            s01 = TS.MultiplyAdd(x0, y, s01); s11 = TS.MultiplyAdd(x1, y, s11);
            y = TS.Load(ref b2[0], (nuint)p);
            s02 = TS.MultiplyAdd(x0, y, s02); s12 = TS.MultiplyAdd(x1, y, s12);
            y = TS.Load(ref b3[0], (nuint)p);
            s03 = TS.MultiplyAdd(x0, y, s03); s13 = TS.MultiplyAdd(x1, y, s13);
        }

        float r00 = TS.Sum(s00), r01 = TS.Sum(s01), r02 = TS.Sum(s02), r03 = TS.Sum(s03);
        float r10 = TS.Sum(s10), r11 = TS.Sum(s11), r12 = TS.Sum(s12), r13 = TS.Sum(s13);
        for (; p < k; p++)
        {
            r00 += a0[p] * b0[p]; r01 += a0[p] * b1[p]; r02 += a0[p] * b2[p]; r03 += a0[p] * b3[p];
            r10 += a1[p] * b0[p]; r11 += a1[p] * b1[p]; r12 += a1[p] * b2[p]; r13 += a1[p] * b3[p];
        }

        float z0 = 0, z1 = 0, z2 = 0, z3 = 0;
        if (bias != null) { z0 = bias[0]; z1 = bias[1]; z2 = bias[2]; z3 = bias[3]; }
        c[0] = r00 + z0; c[1] = r01 + z1; c[2] = r02 + z2; c[3] = r03 + z3;
        c[ldc] = r10 + z0; c[ldc + 1] = r11 + z1; c[ldc + 2] = r12 + z2; c[ldc + 3] = r13 + z3;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Dot(float* x, float* y, int k)
    {
        TV s = TS.Splat(0f);
        int w = TS.Count, p = 0;
        for (; p + w <= k; p += w) s = TS.MultiplyAdd(TS.Load(ref x[0], (nuint)p), TS.Load(ref y[0], (nuint)p), s);
        float r = TS.Sum(s);
        for (; p < k; p++) r += x[p] * y[p];
        return r;
    }
}
