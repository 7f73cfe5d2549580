namespace AttentionLens.Tests.Flow;

/// <summary>Element-wise comparison that reports the worst difference and where it is.</summary>
public static class ArrayAssert
{
    public static void Close(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double tolerance, string what, params int[] shape)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: expected {expected.Length} values, got {actual.Length}");
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = Math.Abs(expected[i] - actual[i]);
            if (double.IsNaN(d)) { worst = double.PositiveInfinity; at = i; break; }
            if (d > worst) { worst = d; at = i; }
        }
        if (worst > tolerance)
        {
            Assert.Fail($"{what}: worst |diff| {worst:E3} > {tolerance:E1} at {Position(at, shape)} (expected {expected[at]:R}, actual {actual[at]:R})");
        }
    }

    private static string Position(int flat, int[] shape)
    {
        if (shape.Length == 0) return $"flat index {flat}";
        var idx = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--) { idx[d] = flat % shape[d]; flat /= shape[d]; }
        return "[" + string.Join(", ", idx) + "]";
    }
}
