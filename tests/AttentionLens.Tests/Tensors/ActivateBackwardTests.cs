using AttentionLens.Tensors;

namespace AttentionLens.Tests.Tensors;

/// <summary>
/// <see cref="CpuKernels.ActivateBackward"/> (float lanes, several threads) against its scalar double reference
/// <see cref="ActivationBackward.Apply"/> at every SIMD level this CPU runs, for every activation: lengths with
/// vector tails and one long enough to be split between threads, x over [−16, 16] (both tails of GELU's erfc).
/// Tolerance 4e-6·(1 + |reference|) per element — float rounding of f′ (|f′| ≤ 1.13) times |dy| ≤ 1; the worst is
/// printed on failure.
/// </summary>
public sealed class ActivateBackwardTests
{
    public static TheoryData<string, Activation> Cases()
    {
        var data = new TheoryData<string, Activation>();
        foreach (var level in SimdSupport.Supported)
            foreach (var activation in Enum.GetValues<Activation>())
                data.Add(level.ToString(), activation);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesTheScalarReference(string level, Activation activation)
    {
        var kernels = new CpuKernels(2, Enum.Parse<SimdLevel>(level));
        var rng = new Random(13);
        foreach (int n in new[] { 1, 7, 17, 63, 100, 1000, CpuKernels.MinParallelElements + 37 })
        {
            var x = KernelAssert.Random(rng, n, 16f);
            if (n > 4) (x[0], x[1], x[2], x[3]) = (0f, -13.5f, 13.5f, -0.001f);
            var dy = KernelAssert.Random(rng, n);
            var expected = (float[])dy.Clone();
            ActivationBackward.Apply(x, expected, activation);
            var actual = (float[])dy.Clone();
            kernels.ActivateBackward(x, actual, activation);
            double worst = 0;
            int at = 0;
            for (int i = 0; i < n; i++)
            {
                double excess = Math.Abs((double)expected[i] - actual[i]) / (1 + Math.Abs((double)expected[i]));
                if (!(excess <= worst)) (worst, at) = (double.IsNaN(excess) ? double.PositiveInfinity : excess, i);
            }
            Assert.True(worst <= 4e-6, $"{level} {activation} n={n}: worst |diff|/(1+|ref|) = {worst:G3} at x = {x[at]:G9} (reference {expected[at]:G9}, got {actual[at]:G9})");
        }
    }
}
