using AttentionLens.Flow;

namespace AttentionLens.Tests.Flow;

/// <summary>
/// The warm-started sweep solver against textbook Edmonds–Karp (<see cref="ReferenceMaxFlow"/>) on
/// random layered graphs: dense, sparse (pruned arcs, isolated nodes), banded (interior bottlenecks)
/// and with capacities spanning many orders of magnitude; sinks in every order, repeated sinks, and
/// the split sweeps the parallel path uses.
/// </summary>
public class SinkSweepMaxFlowTests
{
    private const double Tolerance = 1e-12;

    public static TheoryData<int> Seeds => new(Enumerable.Range(0, 40));

    [Theory]
    [MemberData(nameof(Seeds))]
    public void EveryLayerTargetAndSinkMatchesEdmondsKarp(int seed)
    {
        var (graph, layers, n) = RandomGraph(seed);
        var dense = Dense(graph);
        var raw = AttentionFlow.RawAllLayers(graph);
        double worst = 0;
        string where = "";
        for (int l = 1; l <= layers; l++)
        {
            for (int t = 0; t < n; t++)
            {
                for (int j = 0; j < n; j++)
                {
                    double expected = ReferenceMaxFlow.Value(dense, l * n + t, j);
                    double diff = Math.Abs(raw[((l - 1) * n + t) * n + j] - expected);
                    if (diff > worst) { worst = diff; where = $"layer {l}, target {t}, sink {j}: expected {expected:R}"; }
                }
            }
        }
        Assert.True(worst <= Tolerance, $"seed {seed} ({layers} layers, n = {n}): worst |diff| {worst:E3} at {where}");
    }

    public static TheoryData<int, bool> SeedsAndSearches()
    {
        var data = new TheoryData<int, bool>();
        for (int seed = 200; seed < 224; seed++)
        {
            data.Add(seed, false);
            data.Add(seed, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(SeedsAndSearches))]
    public void BothSearchesMatchEdmondsKarpOnEverySweep(int seed, bool shortestAugmentingPaths)
    {
        var (graph, layers, n) = RandomGraph(seed);
        var dense = Dense(graph);
        var solver = new SinkSweepMaxFlow(graph, shortestAugmentingPaths);
        for (int l = 1; l <= layers; l++)
        {
            for (int t = 0; t < n; t++)
            {
                solver.Begin(l, t);
                for (int j = 0; j < n; j++)
                {
                    double expected = ReferenceMaxFlow.Value(dense, l * n + t, j);
                    double got = solver.Solve(j);
                    Assert.True(Math.Abs(got - expected) <= Tolerance, $"seed {seed}, layer {l}, target {t}, sink {j}: {got:R} vs {expected:R}");
                }
            }
        }
    }

    [Theory]
    [InlineData(101, false)]
    [InlineData(102, false)]
    [InlineData(103, true)]
    [InlineData(104, true)]
    [InlineData(105, false)]
    [InlineData(105, true)]
    public void SinksInAnyOrderAndRepeatedMatchEdmondsKarp(int seed, bool shortestAugmentingPaths)
    {
        var (graph, layers, n) = RandomGraph(seed);
        var dense = Dense(graph);
        var rng = new Random(seed);
        var solver = new SinkSweepMaxFlow(graph, shortestAugmentingPaths);
        for (int t = 0; t < n; t++)
        {
            solver.Begin(layers, t);
            // A random order with repeats: each solve starts from whatever the previous sinks left.
            for (int k = 0; k < 3 * n; k++)
            {
                int j = rng.Next(n);
                double expected = ReferenceMaxFlow.Value(dense, layers * n + t, j);
                double got = solver.Solve(j);
                Assert.True(Math.Abs(got - expected) <= Tolerance, $"seed {seed}, target {t}, step {k}, sink {j}: {got:R} vs {expected:R}");
            }
        }
    }

    public static TheoryData<int> CausalSeeds => new(Enumerable.Range(300, 24));

    [Theory]
    [MemberData(nameof(CausalSeeds))]
    public void CausalGraphsMatchEdmondsKarp(int seed)
    {
        // Lower-triangular graphs: the sweeps run from the last sink down.
        var (full, layers, n) = RandomGraph(seed);
        var m = full.Data.ToArray();
        for (int k = 0; k < m.Length; k++) if (k % n > k / n % n) m[k] = 0;
        var graph = LayeredAttention.FromMatrices(m, layers, n);
        Assert.True(graph.LowerTriangular);
        var dense = Dense(graph);
        var raw = AttentionFlow.RawAllLayers(graph);
        for (int l = 1; l <= layers; l++)
            for (int t = 0; t < n; t++)
                for (int j = 0; j < n; j++)
                {
                    double expected = ReferenceMaxFlow.Value(dense, l * n + t, j);
                    double got = raw[((l - 1) * n + t) * n + j];
                    Assert.True(Math.Abs(got - expected) <= Tolerance, $"seed {seed}, layer {l}, target {t}, sink {j}: {got:R} vs {expected:R}");
                }
    }

    [Theory]
    [InlineData(64, false)]
    [InlineData(130, false)]
    [InlineData(260, true)]
    public void SplitSweepsMatchTheColdSolver(int n, bool causal)
    {
        // One target runs as several sweeps in parallel (Dinic at n = 64, shortest augmenting paths
        // over three-word layers at n = 130, two runs from the last sink down on a causal graph at
        // n = 260); the cold Dinic (checked against the networkx goldens) gives every sink from zero flow.
        var graph = Banded(4, n, 7, causal);
        Assert.Equal(causal, graph.LowerTriangular);
        int target = causal ? n - 1 : 5;
        var raw = AttentionFlow.RawForTarget(graph, target);
        var cold = new LayeredMaxFlow(graph);
        for (int j = 0; j < n; j++)
        {
            double expected = cold.Solve(4, target, j);
            Assert.True(Math.Abs(raw[j] - expected) <= 1e-12, $"n = {n}, sink {j}: {raw[j]:R} vs cold {expected:R}");
        }
    }

    private static (LayeredAttention Graph, int Layers, int N) RandomGraph(int seed)
    {
        var rng = new Random(seed);
        int layers = 1 + rng.Next(5), n = 1 + rng.Next(9);
        var m = new double[layers * n * n];
        int kind = seed % 4;
        for (int k = 0; k < m.Length; k++)
        {
            int i = k / n % n, j = k % n;
            m[k] = kind switch
            {
                0 => rng.NextDouble(),
                1 => rng.NextDouble() < 0.45 ? 0 : rng.NextDouble(),
                2 => Math.Exp(rng.NextDouble() * 2 - 2.0 * Math.Abs(i - j)),
                _ => Math.Pow(10, -rng.Next(12)) * rng.NextDouble(),
            };
        }
        return (LayeredAttention.FromMatrices(m, layers, n), layers, n);
    }

    private static LayeredAttention Banded(int layers, int n, int seed, bool causal = false)
    {
        var rng = new Random(seed);
        var m = new double[layers * n * n];
        for (int k = 0; k < m.Length; k++) m[k] = causal && k % n > k / n % n ? 0 : Math.Exp(rng.NextDouble() * 2 - 1.5 * Math.Abs(k / n % n - k % n));
        return LayeredAttention.FromMatrices(m, layers, n);
    }

    // Node (l, i) is l·n + i; edge (l, i) → (l − 1, j) carries block l − 1's [i, j].
    private static double[,] Dense(LayeredAttention graph)
    {
        int n = graph.Tokens, v = (graph.Layers + 1) * n;
        var c = new double[v, v];
        for (int l = 1; l <= graph.Layers; l++)
        {
            var block = graph.Block(l - 1);
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    c[l * n + i, (l - 1) * n + j] = block[i * n + j];
        }
        return c;
    }
}
