using AttentionLens.Tensors;

namespace AttentionLens.Tests.Tensors;

/// <summary>The scalar references themselves against published values.</summary>
public class ScalarReferenceTests
{
    /// <summary>erf and erfc against tabulated values (Abramowitz &amp; Stegun table 7.1 and
    /// their 20-digit values as given by Wolfram|Alpha / mpmath), to 1e-14.</summary>
    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(0.1, 0.1124629160182848984)]
    [InlineData(0.5, 0.5204998778130465377)]
    [InlineData(1.0, 0.8427007929497148693)]
    [InlineData(1.5, 0.9661051464753107271)]
    [InlineData(2.0, 0.9953222650189527342)]
    [InlineData(2.5, 0.9995930479825550411)]
    [InlineData(3.0, 0.9999779095030014146)]
    [InlineData(-1.0, -0.8427007929497148693)]
    public void Erf_matches_tabulated_values(double x, double expected)
    {
        Assert.True(Math.Abs(ScalarKernels.Erf(x) - expected) < 1e-14, $"erf({x}) = {ScalarKernels.Erf(x):R}, expected {expected:R}");
    }

    [Theory]
    [InlineData(3.0, 2.209049699858544137e-5)]
    [InlineData(4.0, 1.541725790028001885e-8)]
    [InlineData(5.0, 1.537459794428034850e-12)]
    [InlineData(10.0, 2.088487583762544757e-45)]
    public void Erfc_keeps_relative_accuracy_in_the_tail(double x, double expected)
    {
        double got = ScalarKernels.Erfc(x);
        Assert.True(Math.Abs(got / expected - 1) < 1e-12, $"erfc({x}) = {got:R}, expected {expected:R}");
        Assert.True(Math.Abs(ScalarKernels.Erfc(-x) - (2 - expected)) < 1e-15);
    }

    [Fact]
    public void Exact_gelu_uses_the_erf_definition()
    {
        // GELU(1) = 0.5·(1 + erf(1/√2)) = 0.8413447460685429 (Φ(1), the standard normal CDF at 1).
        Assert.Equal(0.8413447460685429, ScalarKernels.Activate(1f, Activation.Gelu), 6);
        Assert.Equal(-0.15865525393145707, ScalarKernels.Activate(-1f, Activation.Gelu), 6);
    }
}
