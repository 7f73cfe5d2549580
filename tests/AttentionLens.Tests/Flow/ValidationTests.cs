using AttentionLens.Flow;

namespace AttentionLens.Tests.Flow;

public class ValidationTests
{
    private static double[] Uniform(int l, int h, int n) => Enumerable.Repeat(1.0 / n, l * h * n * n).ToArray();

    [Fact]
    public void WrongRankIsRefused()
    {
        var e = Assert.Throws<InvalidAttentionException>(() => AttentionShape.FromDims([2, 3, 4], "x.npy"));
        Assert.Contains("rank 4", e.Message);
        Assert.Equal("x.npy", e.Path);
    }

    [Fact]
    public void NonSquareIsRefused() =>
        Assert.Contains("square", Assert.Throws<InvalidAttentionException>(() => AttentionShape.FromDims([1, 1, 3, 4], "x")).Message);

    [Fact]
    public void WrongLengthIsRefused()
    {
        var shape = AttentionShape.Create(1, 1, 3);
        Assert.Contains("expected 9 values", Assert.Throws<InvalidAttentionException>(() => shape.Validate<double>(new double[8])).Message);
    }

    [Fact]
    public void RowNotSummingToOneIsRefused()
    {
        var att = Uniform(2, 2, 3);
        att[2 * 9 + 3] += 0.01; // layer 1, head 0, query 1
        var e = Assert.Throws<InvalidAttentionException>(() => LayeredAttention.FromAttention<double>(att, AttentionShape.Create(2, 2, 3)));
        Assert.Contains("[layer 1, head 0, query 1]", e.Message);
        Assert.Contains("sums to", e.Message);
    }

    [Fact]
    public void RowWithinToleranceIsAccepted()
    {
        var att = Uniform(1, 1, 3);
        att[0] += 5e-4;
        LayeredAttention.FromAttention<double>(att, AttentionShape.Create(1, 1, 3));
    }

    [Fact]
    public void NaNIsRefused()
    {
        var att = Uniform(1, 2, 3).Select(v => (float)v).ToArray();
        att[9 + 4] = float.NaN;
        var e = Assert.Throws<InvalidAttentionException>(() => AttentionShape.Create(1, 2, 3).Validate<float>(att));
        Assert.Contains("NaN", e.Message);
        Assert.Contains("head 1, query 1, key 1", e.Message);
    }

    [Fact]
    public void NegativeIsRefused()
    {
        var att = Uniform(1, 1, 2);
        att[0] = -0.5; att[1] = 1.5;
        Assert.Contains("non-negative", Assert.Throws<InvalidAttentionException>(() => AttentionShape.Create(1, 1, 2).Validate<double>(att)).Message);
    }

    [Fact]
    public void TargetOutOfRangeIsRefused()
    {
        var graph = LayeredAttention.FromAttention<double>(Uniform(1, 1, 3), AttentionShape.Create(1, 1, 3));
        Assert.Contains("0..2", Assert.Throws<InvalidAttentionException>(() => AttentionFlow.RawForTarget(graph, 3)).Message);
        Assert.Throws<InvalidAttentionException>(() => ShapleyFlow.Compute(graph, -1));
    }

    [Fact]
    public void BadHeadSubsetIsRefused()
    {
        var att = Uniform(1, 2, 3);
        Assert.Contains("head 2", Assert.Throws<InvalidAttentionException>(() => LayeredAttention.FromAttention<double>(att, AttentionShape.Create(1, 2, 3), new ReductionOptions(Heads: [2]))).Message);
    }
}
