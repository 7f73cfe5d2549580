using AttentionLens.Flow;

namespace AttentionLens.Tests.Flow;

public class TracedGraphTests
{
    /// <summary>
    /// Worked on paper. L = 2, H = 2, T = 3, target t = 0, τ = 0.3, α = 0.5; att[l−1][h][i][j].
    /// Layer 2: head 0 rows [.5 .4 .1] [.2 .2 .6] [.1 .1 .8]; head 1 rows [.1 .2 .7] [.3 .3 .4] [.2 .2 .6].
    ///   S_2 = {0}; only row 0 counts (row 1's 0.6 is not traced). Edges: h0 0→0 (.5), 0→1 (.4); h1 0→2 (.7).
    ///   c_2 = [1, 1, 1]; S_1 = {0, 1, 2}.
    /// Layer 1: head 0 rows [.9 .05 .05] [.3 .3 .4] [.2 .2 .6]; head 1 rows [.6 .3 .1] [.1 .8 .1] [.25 .5 .25].
    ///   Every row is traced. Edges (≥ τ, inclusive, so the 0.3 entries count):
    ///   h0: 0→0, 1→0, 1→1, 1→2, 2→2;  h1: 0→0, 0→1, 1→1, 2→1.
    ///   c_1(0) = 2 + 1 = 3, c_1(1) = 1 + 3 = 4, c_1(2) = 2 + 0 = 2; S_0 = {0, 1, 2}.
    /// Influence: I_2 = α^0 c_2 = [1, 1, 1]; I_1 = I_2 + α^1 c_1 = [1 + 1.5, 1 + 2, 1 + 1] = [2.5, 3, 2].
    /// 3 + 9 = 12 traced edges.
    /// </summary>
    [Fact]
    public void TwoLayerTwoHeadExampleMatchesHandComputation()
    {
        double[] att =
        [
            .9, .05, .05, .3, .3, .4, .2, .2, .6,
            .6, .3, .1, .1, .8, .1, .25, .5, .25,
            .5, .4, .1, .2, .2, .6, .1, .1, .8,
            .1, .2, .7, .3, .3, .4, .2, .2, .6,
        ];
        var shape = AttentionShape.Create(2, 2, 3);
        shape.Validate<double>(att);
        var result = TracedGraph.Compute<double>(att, shape, target: 0, tau: 0.3, alpha: 0.5);
        ArrayAssert.Close(new double[] { 3, 4, 2, 1, 1, 1 }, result.Counts, 0, "counts", 2, 3);
        ArrayAssert.Close(new double[] { 2.5, 3, 2, 1, 1, 1 }, result.Influence, 1e-15, "influence", 2, 3);
        ArrayAssert.Close(new double[] { 2.5, 3, 2 }, result.Scores(3), 1e-15, "scores");
        Assert.Equal(new[] { 0 }, result.Traced[2]);
        Assert.Equal(new[] { 0, 1, 2 }, result.Traced[1]);
        Assert.Equal(new[] { 0, 1, 2 }, result.Traced[0]);
        Assert.Equal(12, result.Edges.Count);
        var top = result.Edges.Where(e => e.Layer == 2).Select(e => (e.Head, e.From, e.To)).ToArray();
        Assert.Equal(new[] { (0, 0, 0), (0, 0, 1), (1, 0, 2) }, top);
        var bottom = result.Edges.Where(e => e.Layer == 1).Select(e => (e.Head, e.From, e.To)).ToArray();
        Assert.Equal(new[] { (0, 0, 0), (0, 1, 0), (0, 1, 1), (0, 1, 2), (0, 2, 2), (1, 0, 0), (1, 0, 1), (1, 1, 1), (1, 2, 1) }, bottom);
        Assert.Equal(0.7, result.Edges.Single(e => e.Layer == 2 && e.Head == 1).Weight);
    }

    [Fact]
    public void HighThresholdStopsTheTrace()
    {
        // τ = 0.95: nothing in the top layer of the example reaches it, so nothing is traced below.
        var shape = AttentionShape.Create(1, 1, 2);
        double[] att = [0.5, 0.5, 0.5, 0.5];
        var result = TracedGraph.Compute<double>(att, shape, 1, 0.95, 1);
        Assert.Empty(result.Edges);
        Assert.Empty(result.Traced[0]);
        Assert.All(result.Influence, v => Assert.Equal(0, v));
    }

    [Theory]
    [InlineData(0.0, 0.5)]
    [InlineData(0.2, 0.0)]
    [InlineData(0.2, 1.5)]
    public void RefusesBadParameters(double tau, double alpha)
    {
        var shape = AttentionShape.Create(1, 1, 2);
        var e = Assert.Throws<InvalidAttentionException>(() => TracedGraph.Compute<double>(new double[] { 0.5, 0.5, 0.5, 0.5 }, shape, 0, tau, alpha));
        Assert.Contains(tau <= 0 ? "τ" : "α", e.Message);
    }
}
