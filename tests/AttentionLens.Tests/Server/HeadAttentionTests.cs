using AttentionLens.Server.Services;

namespace AttentionLens.Tests.Server;

/// <summary>The session's per-head attention: fp32 by reference when it fits, half precision when only
/// half fits (within half's rounding, 2⁻¹¹ relative), nothing when neither fits.</summary>
public class HeadAttentionTests
{
    [Fact]
    public void KeepsFloatHalfOrNothingByBudget()
    {
        int L = 2, H = 3, T = 5;
        var rng = new Random(7);
        var a = Enumerable.Range(0, L * H * T * T).Select(_ => (float)rng.NextDouble()).ToArray();
        long bytes = a.Length * sizeof(float);

        var full = HeadAttention.Keep(a, L, H, T, bytes)!;
        Assert.False(full.IsHalf);
        Assert.Equal(a.AsSpan((1 * H + 2) * T * T, T * T).ToArray(), full.Matrix(1, 2));

        var half = HeadAttention.Keep(a, L, H, T, bytes - 1)!;
        Assert.True(half.IsHalf);
        Assert.Equal(bytes / 2, half.Bytes);
        var m = half.Matrix(1, 2);
        var exact = a.AsSpan((1 * H + 2) * T * T, T * T).ToArray();
        for (int i = 0; i < m.Length; i++)
            Assert.InRange(Math.Abs(m[i] - exact[i]), 0, Math.Abs(exact[i]) * Math.Pow(2, -11) + 6e-8);

        Assert.Null(HeadAttention.Keep(a, L, H, T, bytes / 2 - 1));
    }
}
