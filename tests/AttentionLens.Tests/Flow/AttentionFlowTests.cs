using AttentionLens.Flow;

namespace AttentionLens.Tests.Flow;

public class AttentionFlowTests
{
    private const double Tolerance = 1e-9;

    public static TheoryData<string> Sets => new(FlowGolden.Sets);

    [Theory]
    [MemberData(nameof(Sets))]
    public void AllTargetsMatchReference(string set)
    {
        var graph = FlowGolden.Graph(set, out var shape);
        int n = shape.Tokens;
        var raw = AttentionFlow.RawAllTargets(graph);
        ArrayAssert.Close(FlowGolden.Read(set, "flow_raw.npy").Data, raw, Tolerance, $"{set} flow_raw", n, n);
        AttentionFlow.NormaliseRows(raw, n);
        ArrayAssert.Close(FlowGolden.Read(set, "flow.npy").Data, raw, Tolerance, $"{set} flow", n, n);
    }

    [Theory]
    [MemberData(nameof(Sets))]
    public void OneTargetMatchesReference(string set)
    {
        var graph = FlowGolden.Graph(set, out var shape);
        var raw = AttentionFlow.RawForTarget(graph, 0);
        ArrayAssert.Close(FlowGolden.Read(set, "flow_one_raw.npy").Data, raw, Tolerance, $"{set} flow_one_raw", 1, shape.Tokens);
        AttentionFlow.NormaliseRows(raw, shape.Tokens);
        ArrayAssert.Close(FlowGolden.Read(set, "flow_one.npy").Data, raw, Tolerance, $"{set} flow_one", 1, shape.Tokens);
    }

    [Theory]
    [InlineData("n8")]
    [InlineData("n16")]
    [InlineData("n8_banded")]
    public void AllLayersMatchReference(string set)
    {
        var graph = FlowGolden.Graph(set, out var shape);
        int n = shape.Tokens;
        var raw = AttentionFlow.RawAllLayers(graph);
        ArrayAssert.Close(FlowGolden.Read(set, "flow_all_layers_raw.npy").Data, raw, Tolerance, $"{set} flow_all_layers_raw", shape.Layers, n, n);
        int nn = n * n;
        ArrayAssert.Close(FlowGolden.Read(set, "flow_all_layers_lastblock_raw.npy").Data, raw.AsSpan((shape.Layers - 1) * nn, nn), Tolerance, $"{set} lastblock_raw", n, n);
        AttentionFlow.NormaliseRows(raw, n);
        ArrayAssert.Close(FlowGolden.Read(set, "flow_all_layers.npy").Data, raw, Tolerance, $"{set} flow_all_layers", shape.Layers, n, n);
        ArrayAssert.Close(FlowGolden.Read(set, "flow_all_layers_lastblock.npy").Data, raw.AsSpan((shape.Layers - 1) * nn, nn), Tolerance, $"{set} lastblock", n, n);
    }

    [Fact]
    public void BandedSetHasInteriorBottlenecks()
    {
        // Guards the value of the banded test: some reference values lie strictly below the
        // trivial bound min(1, in-capacity of the sink), so a bound-only shortcut would fail.
        var graph = FlowGolden.Graph("n16_banded", out var shape);
        var expected = FlowGolden.Read("n16_banded", "flow_raw.npy").Data;
        int n = shape.Tokens, below = 0;
        var b0 = graph.Block(0);
        for (int j = 0; j < n; j++)
        {
            double inCap = 0;
            for (int a = 0; a < n; a++) inCap += b0[a * n + j];
            for (int t = 0; t < n; t++) if (expected[t * n + j] < Math.Min(1, inCap) - 1e-6) below++;
        }
        Assert.True(below > n, $"only {below} banded pairs below the bound");
    }

    [Fact]
    public void TinyExampleMatchesHandValues()
    {
        var tiny = TinyGolden.Load();
        var graph = LayeredAttention.FromMatrices(tiny.ResidualAugmented, 2, 3);
        var rollout = Rollout.AllLayers(graph);
        ArrayAssert.Close(tiny.Rollout, rollout.Select(v => Math.Round(v, 6)).ToArray(), 1e-12, "tiny rollout (6 decimals)", 2, 3, 3);
        var flow = AttentionFlow.RawAllLayers(graph);
        AttentionFlow.NormaliseRows(flow, 3);
        ArrayAssert.Close(tiny.FlowRowNormalised, flow.Select(v => Math.Round(v, 6)).ToArray(), 1e-12, "tiny flow (6 decimals)", 2, 3, 3);
    }
}
