namespace AttentionLens.Tests.Tensors;

/// <summary>Element-wise comparison with a per-element tolerance; a failure names the worst
/// element, both values, the difference and the allowed difference.</summary>
internal static class KernelAssert
{
    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, Func<int, double> tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        int worst = -1;
        double worstRatio = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs((double)expected[i] - actual[i]);
            double tol = tolerance(i);
            bool bad = double.IsNaN(actual[i]) != double.IsNaN(expected[i]) || diff > tol;
            double ratio = bad && !(diff > tol) ? double.PositiveInfinity : diff / Math.Max(tol, 1e-300);
            if (ratio > worstRatio) { worstRatio = ratio; worst = i; }
        }

        if (worst >= 0 && worstRatio > 1)
            Assert.Fail($"{what}: worst element {worst}: expected {expected[worst]:R}, got {actual[worst]:R}, " +
                        $"|diff| {Math.Abs((double)expected[worst] - actual[worst]):G3} > tolerance {tolerance(worst):G3}");
    }

    public static void Equal(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{what}: element {i} differs: expected {expected[i]:R}, got {actual[i]:R} (bitwise equality required)");
    }

    public static float[] Random(Random rng, int length, float scale = 1f)
    {
        var x = new float[length];
        for (int i = 0; i < length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1) * scale;
        return x;
    }

    /// <summary>Every SIMD level this CPU runs, as xunit theory data.</summary>
    public static TheoryData<string> Levels()
    {
        var data = new TheoryData<string>();
        foreach (var level in AttentionLens.Tensors.SimdSupport.Supported) data.Add(level.ToString());
        return data;
    }
}
