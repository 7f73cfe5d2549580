using AttentionLens.Flow;

namespace AttentionLens.Tests.Flow;

public class RolloutTests
{
    public static TheoryData<string> Sets => new(FlowGolden.Sets);

    [Theory]
    [MemberData(nameof(Sets))]
    public void ResidualAugmentedAttentionMatchesReference(string set)
    {
        if (!FlowGolden.Has(set, "res_att.npy"))
        {
            // The banded sets ship no res_att.npy; rollout_all_layers block 0 is Â[1] itself.
            var first = FlowGolden.Read(set, "rollout_all_layers.npy");
            var g0 = FlowGolden.Graph(set, out var s0);
            int nn = s0.Tokens * s0.Tokens;
            ArrayAssert.Close(first.Data.AsSpan(0, nn), g0.Block(0), 1e-12, $"{set} Â[1]", s0.Tokens, s0.Tokens);
            return;
        }
        var expected = FlowGolden.Read(set, "res_att.npy");
        var graph = FlowGolden.Graph(set, out var shape);
        ArrayAssert.Close(expected.Data, graph.Data, 1e-12, $"{set} res_att", shape.Layers, shape.Tokens, shape.Tokens);
    }

    [Theory]
    [MemberData(nameof(Sets))]
    public void RolloutAllLayersMatchesReference(string set)
    {
        var graph = FlowGolden.Graph(set, out var shape);
        var all = Rollout.AllLayers(graph);
        ArrayAssert.Close(FlowGolden.Read(set, "rollout_all_layers.npy").Data, all, 1e-9, $"{set} rollout_all_layers", shape.Layers, shape.Tokens, shape.Tokens);
        ArrayAssert.Close(FlowGolden.Read(set, "rollout.npy").Data, Rollout.Final(graph), 1e-9, $"{set} rollout", shape.Tokens, shape.Tokens);
    }

    [Fact]
    public void RolloutDiffersFromColumnNormalisedAugmentation()
    {
        // The wrong-axis variant (dividing by column sums) must not pass the reference check.
        var set = "n8_banded";
        var att = FlowGolden.Read(set, "attention.npy");
        var shape = AttentionShape.FromDims(att.Shape, set);
        var plain = LayeredAttention.FromAttention<double>(att.Data, shape, new ReductionOptions(Residual: false));
        int n = shape.Tokens;
        var wrong = plain.Data.ToArray();
        for (int l = 0; l < shape.Layers; l++)
        {
            var m = wrong.AsSpan(l * n * n, n * n);
            for (int i = 0; i < n; i++) m[i * n + i] += 1;
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int i = 0; i < n; i++) s += m[i * n + j];
                for (int i = 0; i < n; i++) m[i * n + j] /= s;
            }
        }
        var wrongRollout = Rollout.Final(LayeredAttention.FromMatrices(wrong, shape.Layers, n));
        var expected = FlowGolden.Read(set, "rollout.npy").Data;
        double worst = expected.Zip(wrongRollout, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst > 1e-3, $"column-normalised rollout should differ from the reference, worst diff {worst}");
    }

    [Fact]
    public void RolloutRowsAreDistributions()
    {
        var graph = FlowGolden.Graph("n16", out var shape);
        var r = Rollout.Final(graph);
        for (int i = 0; i < shape.Tokens; i++)
        {
            double s = r.AsSpan(i * shape.Tokens, shape.Tokens).ToArray().Sum();
            Assert.True(Math.Abs(s - 1) < 1e-12, $"row {i} of R[L] sums to {s}");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // lower-triangular (causal) products skip the zero blocks
    public void LargeRolloutMatchesNaiveProduct(bool causal)
    {
        // n = 130 exercises the parallel blocked product, its k blocks, row and column tails.
        int n = 130, layers = 3;
        var rng = new Random(7);
        var m = new double[layers * n * n];
        for (int i = 0; i < m.Length; i++) m[i] = causal && i % n > i / n % n ? 0 : rng.NextDouble();
        var graph = LayeredAttention.FromMatrices(m, layers, n);
        var all = Rollout.AllLayers(graph);
        var expected = m.AsSpan(0, n * n).ToArray();
        for (int l = 1; l < layers; l++)
        {
            var next = new double[n * n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    double s = 0;
                    for (int k = 0; k < n; k++) s += m[l * n * n + i * n + k] * expected[k * n + j];
                    next[i * n + j] = s;
                }
            expected = next;
        }
        ArrayAssert.Close(expected, all.AsSpan((layers - 1) * n * n), 1e-9 * n, $"n=130 rollout (causal {causal})", n, n);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(5)] // both parities: R[L] must land in the result whichever buffer the chain starts on
    public void FinalWithTargetRowsEqualsEveryLayerRollout(int layers)
    {
        int n = 37, target = 11;
        var rng = new Random(layers);
        var m = new double[layers * n * n];
        for (int i = 0; i < m.Length; i++) m[i] = rng.NextDouble();
        var graph = LayeredAttention.FromMatrices(m, layers, n);
        var all = Rollout.AllLayers(graph);
        var rows = new double[layers * n];
        var final = Rollout.Final(graph, target, rows);
        // The same products in the same order: equal bit for bit.
        Assert.Equal(all.AsSpan((layers - 1) * n * n, n * n).ToArray(), final);
        Assert.Equal(Rollout.TargetRows(all, layers, n, target), rows);
        Assert.Throws<ArgumentException>(() => Rollout.Final(graph, n, rows));
    }
}
