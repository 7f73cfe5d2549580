using System.Text;

namespace AttentionLens.Tests.Models;

/// <summary>Element-wise comparison with an absolute tolerance that reports the worst difference and where it is.</summary>
internal static class TensorAssert
{
    /// <param name="shape">Shape of both tensors, used to print the worst index.</param>
    public static void Close(string what, ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double atol, params int[] shape)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: expected {expected.Length} values, got {actual.Length}");
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs((double)expected[i] - actual[i]);
            if (double.IsNaN(diff) || diff > worst || (double.IsNaN(diff) && worstAt < 0))
            {
                worst = double.IsNaN(diff) ? double.PositiveInfinity : diff;
                worstAt = i;
            }
        }
        if (worst <= atol) return;
        var message = new StringBuilder($"{what}: worst |diff| = {worst:G4} > {atol:G2} at index [{string.Join(", ", Unravel(worstAt, shape))}]");
        message.Append($" (expected {expected[worstAt]:G9}, got {actual[worstAt]:G9})");
        Assert.Fail(message.ToString());
    }

    private static int[] Unravel(int flat, int[] shape)
    {
        var index = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
        return index;
    }
}
