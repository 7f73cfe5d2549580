using System.Numerics;

namespace AttentionLens.Flow;

/// <summary>
/// Traced attention graphs and token influence (docs/methods.md §6; our operationalisation of DeRose,
/// Wang and Berger, "Attention Flows", VIS 2020, whose exact formula is not available to us):
/// <list type="bullet">
/// <item>edge (l, i) → (l−1, j) in head h iff A[l,h][i, j] ≥ τ;</item>
/// <item>S_L = {t}, S_{l−1} = { j : ∃ i ∈ S_l, ∃ h: A[l,h][i, j] ≥ τ };</item>
/// <item>c_l(w) = Σ_h Σ_{i ∈ S_l} [A[l,h][i, w] ≥ τ];</item>
/// <item>I_l(w) = Σ_{l' = l..L} α^(L − l') · c_{l'}(w), 0 &lt; α ≤ 1.</item>
/// </list>
/// </summary>
public static class TracedGraph
{
    public static TracedGraphResult Compute<T>(ReadOnlySpan<T> attention, AttentionShape shape, int target, double tau, double alpha, CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (attention.Length != shape.Elements)
            throw new InvalidAttentionException($"attention: expected {shape.Elements} values for [{shape.Layers}, {shape.Heads}, {shape.Tokens}, {shape.Tokens}] but got {attention.Length}.");
        var walk = new Walk(shape, target, tau, alpha);
        int n = shape.Tokens;
        for (int l = shape.Layers; l >= 1; l--)
        {
            cancellationToken.ThrowIfCancellationRequested();
            walk.StartLayer(l);
            for (int h = 0; h < shape.Heads; h++)
            {
                var block = attention.Slice(shape.BlockOffset(l - 1, h), n * n);
                for (int i = 0; i < n; i++)
                    if (walk.Current[i]) walk.TraceRow(block.Slice(i * n, n), l, h, i);
            }
            walk.EndLayer(l);
        }
        return walk.Result();
    }

    /// <summary>The same traced graph from attention read one query row at a time (<see cref="IHeadAttention"/>:
    /// long inputs); only the rows of traced nodes are read, in the same order, so float32 storage gives
    /// the same result as the flat overload.</summary>
    public static TracedGraphResult Compute(IHeadAttention attention, int target, double tau, double alpha, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attention);
        var shape = attention.Shape;
        var walk = new Walk(shape, target, tau, alpha);
        int n = shape.Tokens;
        var row = new float[n];
        for (int l = shape.Layers; l >= 1; l--)
        {
            cancellationToken.ThrowIfCancellationRequested();
            walk.StartLayer(l);
            for (int h = 0; h < shape.Heads; h++)
            {
                for (int i = 0; i < n; i++)
                {
                    if (!walk.Current[i]) continue;
                    attention.ReadRow(l - 1, h, i, row);
                    walk.TraceRow<float>(row, l, h, i);
                }
            }
            walk.EndLayer(l);
        }
        return walk.Result();
    }

    /// <summary>The walk from the target down: traced sets, counts and edges.</summary>
    private sealed class Walk
    {
        private readonly int L, n;
        private readonly double tau, alpha;
        private readonly double[] counts;
        private readonly int[][] traced;
        private readonly List<AttentionEdge> edges = [];
        private bool[] next;

        public Walk(AttentionShape shape, int target, double tau, double alpha)
        {
            shape.CheckTarget(target);
            if (!(tau > 0 && tau <= 1))
                throw new InvalidAttentionException($"threshold τ = {tau} must be in (0, 1]; attention below it is not traced.", "tau");
            if (!(alpha > 0 && alpha <= 1))
                throw new InvalidAttentionException($"decay α = {alpha} must be in (0, 1].", "alpha");
            (L, n, this.tau, this.alpha) = (shape.Layers, shape.Tokens, tau, alpha);
            counts = new double[L * n];
            traced = new int[L + 1][];
            Current = new bool[n];
            next = new bool[n];
            Current[target] = true;
            traced[L] = [target];
        }

        /// <summary>S_l: the nodes traced into layer l.</summary>
        public bool[] Current { get; private set; }

        public void StartLayer(int l) => Array.Clear(next);

        /// <summary>Edges (l, i) → (l−1, j) of head h with A[l,h][i, j] ≥ τ, from query row i.</summary>
        public void TraceRow<T>(ReadOnlySpan<T> row, int l, int h, int i) where T : unmanaged, IFloatingPointIeee754<T>
        {
            var c = counts.AsSpan((l - 1) * n, n);
            for (int j = 0; j < n; j++)
            {
                double a = double.CreateTruncating(row[j]);
                if (a < tau) continue;
                edges.Add(new AttentionEdge(l, h, i, j, a));
                c[j] += 1;
                next[j] = true;
            }
        }

        public void EndLayer(int l)
        {
            traced[l - 1] = Enumerable.Range(0, n).Where(j => next[j]).ToArray();
            (Current, next) = (next, Current);
        }

        public TracedGraphResult Result()
        {
            // I_l = c_l + α^(L−l)… accumulated from the top: I_L = c_L, I_l = I_{l+1} + α^(L−l) c_l.
            var influence = new double[L * n];
            for (int l = L; l >= 1; l--)
            {
                double weight = Math.Pow(alpha, L - l);
                for (int w = 0; w < n; w++)
                {
                    double above = l < L ? influence[l * n + w] : 0;
                    influence[(l - 1) * n + w] = above + weight * counts[(l - 1) * n + w];
                }
            }
            return new TracedGraphResult(counts, influence, traced, edges);
        }
    }
}
