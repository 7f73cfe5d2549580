using AttentionLens.Checkpoints;
using AttentionLens.Flow;

namespace AttentionLens.Tests.Flow;

/// <summary>
/// Exact flow on causal (decoder) attention against networkx's Edmonds–Karp
/// (tests/goldens/flow/make_causal_flow.py): every layer's flow from the last token, the query the
/// flow method runs, where the sink sweeps go from the last token down. causal_n24 has 16 layers of
/// one 64-bit word (Dinic's layer-at-a-time search), causal_n72 two words (shortest augmenting
/// paths); both with the sinks split into parallel runs and in one sweep.
/// </summary>
public class CausalFlowGoldenTests
{
    private const double Tolerance = 1e-9;

    public static string Root => Path.Combine(SharedData.RepositoryRoot, "tests", "goldens", "flow");

    [Theory]
    [InlineData("causal_n24")]
    [InlineData("causal_n72")]
    public void EveryLayerFromTheLastTokenMatchesNetworkx(string set)
    {
        var (graph, shape) = Graph(set);
        Assert.True(graph.LowerTriangular, $"{set}: the causal graph should be lower-triangular");
        var raw = AttentionFlow.RawByLayer(graph, shape.Tokens - 1);
        var expected = NpyFile.Read(Path.Combine(Root, set, "flow_by_layer_raw.npy")).Data;
        ArrayAssert.Close(expected, raw, Tolerance, $"{set} flow_by_layer_raw", shape.Layers, shape.Tokens);
    }

    [Theory]
    [InlineData("causal_n24", false)]
    [InlineData("causal_n24", true)]
    [InlineData("causal_n72", false)]
    [InlineData("causal_n72", true)]
    public void BothSearchesMatchNetworkxOnTheTopLayer(string set, bool shortestAugmentingPaths)
    {
        var (graph, shape) = Graph(set);
        int n = shape.Tokens;
        var expected = NpyFile.Read(Path.Combine(Root, set, "flow_by_layer_raw.npy")).Data.AsSpan((shape.Layers - 1) * n, n).ToArray();
        var solver = new SinkSweepMaxFlow(graph, shortestAugmentingPaths);
        solver.Begin(shape.Layers, n - 1);
        var got = new double[n];
        for (int j = n - 1; j >= 0; j--) got[j] = solver.Solve(j);
        ArrayAssert.Close(expected, got, Tolerance, $"{set} top layer, shortest augmenting paths {shortestAugmentingPaths}", 1, n);
    }

    private static (LayeredAttention Graph, AttentionShape Shape) Graph(string set)
    {
        var att = NpyFile.Read(Path.Combine(Root, set, "attention.npy"));
        var shape = AttentionShape.FromDims(att.Shape, set);
        return (LayeredAttention.FromAttention<double>(att.Data, shape, new ReductionOptions(Causal: true), set), shape);
    }
}
