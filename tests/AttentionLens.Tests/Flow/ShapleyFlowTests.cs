using AttentionLens.Flow;

namespace AttentionLens.Tests.Flow;

public class ShapleyFlowTests
{
    public static TheoryData<string> Sets => new(FlowGolden.Sets);

    [Theory]
    [MemberData(nameof(Sets))]
    public void ValuesSumToTotalAndRespectCapacities(string set)
    {
        var graph = FlowGolden.Graph(set, out var shape);
        int n = shape.Tokens;
        var raw = FlowGolden.Read(set, "flow_raw.npy").Data;
        foreach (int t in new[] { 0, n / 2, n - 1 })
        {
            var result = ShapleyFlow.Compute(graph, t);
            Assert.True(Math.Abs(result.Values.Sum() - result.Total) < 1e-12, $"{set} t={t}: Σ values {result.Values.Sum():R} ≠ total {result.Total:R}");
            for (int j = 0; j < n; j++)
            {
                Assert.True(result.Values[j] >= 0 && result.Values[j] <= result.Capacity, $"{set} t={t} j={j}: value {result.Values[j]} outside [0, {result.Capacity}]");
                // The flow reaching token j within one feasible flow is at most the max flow to j alone.
                Assert.True(result.Values[j] <= raw[t * n + j] + 1e-9, $"{set} t={t} j={j}: value {result.Values[j]} above the reference max-flow {raw[t * n + j]}");
            }
            double best = Enumerable.Range(0, n).Max(j => raw[t * n + j]);
            Assert.True(result.Total >= best - 1e-9 && result.Total <= 1 + 1e-12, $"{set} t={t}: total {result.Total} not in [{best}, 1]");
        }
    }

    [Fact]
    public void TotalMatchesTextbookMaxFlowOnBandedSet()
    {
        var graph = FlowGolden.Graph("n8_banded", out var shape);
        int n = shape.Tokens, L = shape.Layers, target = 3;
        // Nodes: (l, i) → l·n + i, super sink → (L+1)·n.
        int v = (L + 1) * n + 1;
        var cap = new double[v, v];
        for (int l = 1; l <= L; l++)
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    cap[l * n + i, (l - 1) * n + j] = graph.Block(l - 1)[i * n + j];
        for (int i = 0; i < n; i++) cap[i, v - 1] = 1;
        double expected = ReferenceMaxFlow.Value(cap, L * n + target, v - 1);
        var result = ShapleyFlow.Compute(graph, target);
        Assert.True(Math.Abs(expected - result.Total) < 1e-9, $"total {result.Total:R} vs Edmonds–Karp {expected:R}");
    }

    [Fact]
    public void CausalGraphGivesNothingToTokensAfterTheTarget()
    {
        var att = FlowGolden.Read("n8_banded", "attention.npy");
        var shape = AttentionShape.FromDims(att.Shape, "n8_banded");
        var causal = CausalCopy(att.Data, shape);
        var graph = LayeredAttention.FromAttention<double>(causal, shape, new ReductionOptions(Causal: true));
        int target = 4;
        var result = ShapleyFlow.Compute(graph, target);
        for (int j = target + 1; j < shape.Tokens; j++) Assert.Equal(0.0, result.Values[j]);
        Assert.True(Math.Abs(result.Values.Sum() - result.Total) < 1e-12);
        var raw = AttentionFlow.RawForTarget(graph, target);
        for (int j = 0; j < shape.Tokens; j++) Assert.True(result.Values[j] <= raw[j] + 1e-9, $"j={j}: {result.Values[j]} > {raw[j]}");
    }

    /// <summary>Masks keys after each query and renormalises rows, like a causal softmax.</summary>
    public static double[] CausalCopy(double[] data, AttentionShape shape)
    {
        int n = shape.Tokens;
        var copy = data.ToArray();
        for (int row = 0; row < copy.Length / n; row++)
        {
            int i = row % n;
            var r = copy.AsSpan(row * n, n);
            r.Slice(i + 1).Clear();
            double s = 0;
            foreach (var x in r) s += x;
            for (int j = 0; j <= i; j++) r[j] /= s;
        }
        return copy;
    }
}
