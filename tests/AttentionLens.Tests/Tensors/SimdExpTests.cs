using System.Runtime.Intrinsics;
using AttentionLens.Tensors;

namespace AttentionLens.Tests.Tensors;

/// <summary>The vectorised exp used by softmax, SiLU and tanh-GELU, at every supported width.</summary>
public class SimdExpTests
{
    [Theory]
    [MemberData(nameof(KernelAssert.Levels), MemberType = typeof(KernelAssert))]
    public void Exp_is_within_2_ulp_over_the_float_range_and_maps_minus_infinity_to_zero(string levelName)
    {
        var x = Enumerable.Range(0, 175_001).Select(i => -87f + i * 1e-3f).Append(float.NegativeInfinity).Append(-100f).ToArray();
        var y = new float[x.Length];
        Map(Enum.Parse<SimdLevel>(levelName), x, y);
        double worst = 0;
        int at = 0;
        for (int i = 0; i < x.Length - 2; i++)
        {
            double exact = Math.Exp(x[i]);
            float rounded = (float)exact;
            double ulp = MathF.BitIncrement(rounded) - rounded;
            double err = Math.Abs(y[i] - exact) / ulp;
            if (err > worst) { worst = err; at = i; }
        }

        Assert.True(worst <= 2, $"{levelName}: exp worst error {worst:F2} ulp at x = {x[at]:R} (got {y[at]:R}, exact {Math.Exp(x[at]):R})");
        Assert.Equal(0f, y[^2]);
        Assert.Equal(0f, y[^1]);
    }

    private static void Map(SimdLevel level, float[] x, float[] y)
    {
        switch (level)
        {
            case SimdLevel.Avx512: SimdKernels<Simd512, Vector512<float>>.Map<VectorActivations.Exp>(x, y); break;
            case SimdLevel.Avx2: SimdKernels<Simd256, Vector256<float>>.Map<VectorActivations.Exp>(x, y); break;
            default: SimdKernels<Simd128, Vector128<float>>.Map<VectorActivations.Exp>(x, y); break;
        }
    }
}
