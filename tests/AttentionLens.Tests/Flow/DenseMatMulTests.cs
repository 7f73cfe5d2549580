using AttentionLens.Flow;

namespace AttentionLens.Tests.Flow;

/// <summary>The packed SIMD product against its scalar definition, over the sizes that reach every
/// path: below one strip, strip and panel tails, the parallel bands (n ≥ 128), dense and lower
/// triangular (causal) inputs.</summary>
public class DenseMatMulTests
{
    public static TheoryData<int, bool> Cases()
    {
        var data = new TheoryData<int, bool>();
        foreach (int n in new[] { 1, 2, 7, 8, 9, 15, 16, 17, 24, 33, 127, 128, 129, 200, 259 })
        {
            data.Add(n, false);
            data.Add(n, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesScalarDefinition(int n, bool lower)
    {
        var rng = new Random(n * 2 + (lower ? 1 : 0));
        var a = Random(rng, n, lower);
        var b = Random(rng, n, lower);
        var expected = new double[n * n];
        DenseMatMul.MultiplyScalar(a, b, expected, n);
        var actual = new double[n * n];
        actual.AsSpan().Fill(double.NaN); // every entry must be written, none left over
        DenseMatMul.Multiply(a, b, actual, n);
        // Sums of n products of values in [0, 1): reordering the additions changes at most a few ulp of n.
        ArrayAssert.Close(expected, actual, 1e-13 * n, $"n={n} lower={lower}", n, n);
    }

    [Fact]
    public void LowerTriangularIsDetectedExactly()
    {
        const int n = 37;
        var m = Random(new Random(3), n, lower: true);
        Assert.True(DenseMatMul.IsLowerTriangular(m, n));
        m[1] = -0.0; // negative zero is zero
        Assert.True(DenseMatMul.IsLowerTriangular(m, n));
        foreach (int at in new[] { 1, n - 1, 5 * n + 6, 5 * n + n - 1, (n - 2) * n + n - 1 })
        {
            var copy = (double[])m.Clone();
            copy[at] = 1e-300;
            Assert.False(DenseMatMul.IsLowerTriangular(copy, n), $"a nonzero at row {at / n}, column {at % n} was missed");
        }
    }

    [Fact]
    public void WrongLengthsAreRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => DenseMatMul.Multiply(new double[4], new double[4], new double[3], 2));
        Assert.Contains("n × n = 4", ex.Message);
    }

    private static double[] Random(Random rng, int n, bool lower)
    {
        var m = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= (lower ? i : n - 1); j++) m[i * n + j] = rng.NextDouble();
        return m;
    }
}
