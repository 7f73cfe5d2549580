using AttentionLens.Flow;

namespace AttentionLens.Tests.Flow;

public class HeadReducerTests
{
    // One layer, three heads, two tokens; entry [0, 1] of each head: 0.2, 0.6, 0.5.
    private static readonly double[] Attention =
    [
        0.8, 0.2, 0.5, 0.5,
        0.4, 0.6, 0.1, 0.9,
        0.5, 0.5, 0.3, 0.7,
    ];

    [Theory]
    [InlineData(HeadAggregate.Mean, null, 1.3 / 3)]
    [InlineData(HeadAggregate.Max, null, 0.6)]
    [InlineData(HeadAggregate.Min, null, 0.2)]
    [InlineData(HeadAggregate.Sum, null, 1.3)]
    [InlineData(HeadAggregate.Mean, new[] { 0, 2 }, 0.35)]
    [InlineData(HeadAggregate.Sum, new[] { 2, 1 }, 1.1)]
    [InlineData(HeadAggregate.Max, new[] { 2 }, 0.5)]
    public void ReducesTheChosenHeads(HeadAggregate aggregate, int[]? heads, double expected)
    {
        var dest = new double[4];
        HeadReducer.Reduce<double>(Attention, AttentionShape.Create(1, 3, 2), 0, aggregate, heads, dest);
        Assert.Equal(expected, dest[1], 15);
    }

    [Fact]
    public void ResidualOfMeanIsHalfMeanPlusHalfIdentity()
    {
        var graph = LayeredAttention.FromAttention<double>(Attention, AttentionShape.Create(1, 3, 2));
        // Mean row 0 = [1.7/3, 1.3/3]; (mean + I) / 2.
        Assert.Equal(0.5 * 1.7 / 3 + 0.5, graph.Block(0)[0], 15);
        Assert.Equal(0.5 * 1.3 / 3, graph.Block(0)[1], 15);
    }

    [Fact]
    public void ResidualOfSumIsRowNormalised()
    {
        // Sum row 0 = [1.7, 1.3]; + I = [2.7, 1.3]; / 4.
        var graph = LayeredAttention.FromAttention<double>(Attention, AttentionShape.Create(1, 3, 2), new ReductionOptions(HeadAggregate.Sum));
        Assert.Equal(2.7 / 4, graph.Block(0)[0], 15);
        Assert.Equal(1.3 / 4, graph.Block(0)[1], 15);
    }
}
