using System.Numerics;

namespace AttentionLens.Flow;

/// <summary>
/// The per-layer matrices Â[1..L] (each n × n, row = query, column = key) that rollout multiplies
/// and that are the capacities of the attention-flow graph (docs/methods.md §4): edge (l, i) → (l−1, j)
/// has capacity Â[l][i, j]. Block k (0-based) holds layer k + 1.
/// Edges whose capacity is at most <see cref="PruneBelow"/> are left out of the adjacency lists the
/// max-flow solver walks: in causal models that removes the upper triangle, and it removes softmax
/// underflow; a max-flow changes by at most (edges in a cut) × 1e-15 from it.
/// </summary>
public sealed class LayeredAttention
{
    /// <summary>Capacities at or below this are treated as absent edges.</summary>
    public const double PruneBelow = 1e-15;

    private readonly double[] data;

    private LayeredAttention(double[] data, int layers, int tokens)
    {
        this.data = data;
        Layers = layers;
        Tokens = tokens;
        BuildCapacities();
    }

    public int Layers { get; }

    public int Tokens { get; }

    /// <summary>All blocks, (L × n × n) row-major.</summary>
    public ReadOnlySpan<double> Data => data;

    /// <summary>The blocks as an array, for the solvers' flat indexing; never written.</summary>
    internal double[] Capacities => data;

    private ArcMasks? arcMasks;

    /// <summary>The arcs above <see cref="PruneBelow"/> as bit masks, built on first use and shared by
    /// every solver of this graph (never written after).</summary>
    internal ArcMasks Masks => LazyInitializer.EnsureInitialized(ref arcMasks, () => ArcMasks.Build(data, Layers, Tokens));

    /// <summary>Â of layer <paramref name="index"/> + 1 (0-based block index).</summary>
    public ReadOnlySpan<double> Block(int index) => data.AsSpan(index * Tokens * Tokens, Tokens * Tokens);

    // Compressed adjacency per block, for the cold solver (LayeredMaxFlow): for row (index·n + a) the
    // columns b with capacity above PruneBelow (forward arcs, widest first), and for column
    // (index·n + b) the rows a (backward arcs, by increasing index). Built on first use: the sink
    // sweeps read the dense blocks and the bit masks only, and at 2,048 tokens these lists would be
    // 20 bytes per arc (670 MB on 16 causal layers) and seconds of sorting.
    private Adjacency? adjacency;

    private Adjacency Lists => LazyInitializer.EnsureInitialized(ref adjacency, BuildAdjacency);

    internal int[] ForwardStart => Lists.ForwardStart;
    internal int[] ForwardIndex => Lists.ForwardIndex;
    internal int[] BackwardStart => Lists.BackwardStart;
    internal int[] BackwardIndex => Lists.BackwardIndex;

    /// <summary>Capacity of each forward arc, in arc order.</summary>
    internal double[] ForwardCapacity => Lists.ForwardCapacity;

    /// <summary>For each backward arc, the index of the forward arc it runs against.</summary>
    internal int[] BackwardArc => Lists.BackwardArc;

    /// <summary>Layer 1 (block 0): arc index of edge (1, a) → (0, b) at [a·n + b], or −1 when pruned.</summary>
    internal int[] FirstLayerArc => Lists.FirstLayerArc;

    /// <summary>Out-capacity Σ_b Â[l][a, b] of node (l, a), at [(l−1)·n + a].</summary>
    internal double[] OutCapacity { get; private set; } = [];

    /// <summary>In-capacity Σ_a Â[l][a, b] into node (l−1, b), at [(l−1)·n + b].</summary>
    internal double[] InCapacity { get; private set; } = [];

    /// <summary>True when no arc above <see cref="PruneBelow"/> goes from position a to a later
    /// position b &gt; a in any layer (causal attention): the sink sweeps then run from the last
    /// token down (<see cref="AttentionFlow"/> says why).</summary>
    internal bool LowerTriangular { get; private set; }

    /// <summary>
    /// Validates <paramref name="attention"/> (L, H, T, T) and reduces it to Â per layer: head
    /// reduction, the causal mask if asked, then the residual augmentation exactly as the reference
    /// builds it, (Σ_h A / H + I) / rowsum, in double.
    /// </summary>
    public static LayeredAttention FromAttention<T>(ReadOnlySpan<T> attention, AttentionShape shape, ReductionOptions? options = null, string source = "attention")
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        options ??= ReductionOptions.Default;
        shape.Validate(attention, source);
        int n = shape.Tokens, nn = n * n;
        var data = new double[shape.Layers * nn];
        for (int l = 0; l < shape.Layers; l++)
        {
            var block = data.AsSpan(l * nn, nn);
            HeadReducer.Reduce(attention, shape, l, options.Aggregate, options.Heads, block);
            Finish(block, n, options);
        }
        return new LayeredAttention(data, shape.Layers, n);
    }

    /// <summary>
    /// The same graph from attention read one head at a time (<see cref="IHeadAttention"/>: long inputs
    /// kept per layer or in half precision). Rows are not validated again: the forward pass that filled
    /// the store checked every row in float32, and half precision moves a row's sum by at most 2⁻¹¹.
    /// </summary>
    public static LayeredAttention FromHeads(IHeadAttention attention, ReductionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(attention);
        options ??= ReductionOptions.Default;
        var shape = attention.Shape;
        int n = shape.Tokens, nn = n * n;
        var data = new double[shape.Layers * nn];
        for (int l = 0; l < shape.Layers; l++)
        {
            var block = data.AsSpan(l * nn, nn);
            HeadReducer.Reduce(attention, l, options.Aggregate, options.Heads, block);
            Finish(block, n, options);
        }
        return new LayeredAttention(data, shape.Layers, n);
    }

    /// <summary>The causal mask if asked, then the residual augmentation, on one reduced block.</summary>
    private static void Finish(Span<double> block, int n, ReductionOptions options)
    {
        if (options.Causal)
        {
            for (int i = 0; i < n; i++) block.Slice(i * n + i + 1, n - i - 1).Clear();
        }
        if (options.Residual) ResidualAugmentation.Apply(block, n);
    }

    /// <summary>
    /// Wraps matrices that are already the capacities (for example a reference's residual-augmented
    /// attention): (L × n × n), finite and non-negative. The array is copied.
    /// </summary>
    public static LayeredAttention FromMatrices(ReadOnlySpan<double> matrices, int layers, int tokens, string source = "matrices")
    {
        if (layers <= 0 || tokens <= 0 || matrices.Length != (long)layers * tokens * tokens)
            throw new InvalidAttentionException($"{source}: expected {layers} × {tokens} × {tokens} values but got {matrices.Length}.", source);
        for (int e = 0; e < matrices.Length; e++)
        {
            if (!double.IsFinite(matrices[e]) || matrices[e] < 0)
                throw new InvalidAttentionException($"{source}: value {matrices[e]} at flat index {e} is not a finite non-negative capacity.", source);
        }
        return new LayeredAttention(matrices.ToArray(), layers, tokens);
    }

    /// <summary>
    /// The graph with one extra layer below the inputs: every input node (0, i) gets an edge of
    /// capacity <paramref name="capacity"/> into a single new node. In the result, layer l + 1 is the
    /// original layer l and the super node is (0, 0); flow from (L + 1, t) to (0, 0) is the flow of
    /// §5's super-source construction with every edge reversed (max-flow is symmetric under reversal).
    /// </summary>
    internal LayeredAttention WithSuperSink(double capacity)
    {
        int nn = Tokens * Tokens;
        var extended = new double[(Layers + 1) * nn];
        for (int i = 0; i < Tokens; i++) extended[i * Tokens] = capacity;
        data.CopyTo(extended, nn);
        return new LayeredAttention(extended, Layers + 1, Tokens);
    }

    private void BuildCapacities()
    {
        int n = Tokens, rows = Layers * n;
        var outCap = new double[rows];
        var inCap = new double[rows];
        bool lower = true;
        for (int k = 0; k < Layers; k++)
        {
            var block = Block(k);
            for (int a = 0; a < n; a++)
            {
                var row = block.Slice(a * n, n);
                double sum = 0;
                for (int b = 0; b < n; b++)
                {
                    double c = row[b];
                    sum += c;
                    inCap[k * n + b] += c;
                }
                outCap[k * n + a] = sum;
                if (lower)
                {
                    foreach (var c in row[(a + 1)..]) if (c > PruneBelow) { lower = false; break; }
                }
            }
        }
        OutCapacity = outCap;
        InCapacity = inCap;
        LowerTriangular = lower;
    }

    private sealed record Adjacency(int[] ForwardStart, int[] ForwardIndex, int[] BackwardStart, int[] BackwardIndex,
        double[] ForwardCapacity, int[] BackwardArc, int[] FirstLayerArc);

    private Adjacency BuildAdjacency()
    {
        int n = Tokens, rows = Layers * n;
        var fStart = new int[rows + 1];
        var bStart = new int[rows + 1];
        int count = 0;
        for (int k = 0; k < Layers; k++)
        {
            var block = Block(k);
            for (int a = 0; a < n; a++)
            {
                for (int b = 0; b < n; b++)
                {
                    if (block[a * n + b] > PruneBelow) { count++; bStart[k * n + b + 1]++; }
                }
            }
        }
        var fIdx = new int[count];
        var fCap = new double[count];
        var bIdx = new int[count];
        var bArc = new int[count];
        for (int r = 0; r < rows; r++) bStart[r + 1] += bStart[r];
        int f = 0;
        for (int r = 0; r < rows; r++)
        {
            fStart[r] = f;
            var row = data.AsSpan(r * n, n);
            for (int b = 0; b < n; b++)
            {
                if (row[b] > PruneBelow) fIdx[f++] = b;
            }
            // Forward arcs by decreasing capacity (ties by index): the solver's DFS then fills the
            // widest edges first, which needs far fewer augmenting paths on peaked attention.
            int offset = r * n;
            var capacities = data;
            fIdx.AsSpan(fStart[r], f - fStart[r]).Sort((x, y) =>
            {
                int byCapacity = capacities[offset + y].CompareTo(capacities[offset + x]);
                return byCapacity != 0 ? byCapacity : x.CompareTo(y);
            });
        }
        fStart[rows] = f;
        // Backward lists from the sorted forward lists, rows in increasing order; each backward arc
        // remembers the forward arc whose flow it cancels. Arc flows live in forward-arc order.
        var bFill = bStart.AsSpan(0, rows).ToArray();
        var first = new int[n * n];
        Array.Fill(first, -1);
        for (int r = 0; r < rows; r++)
        {
            int k = r / n, a = r % n;
            for (int p = fStart[r]; p < fStart[r + 1]; p++)
            {
                int b = fIdx[p];
                fCap[p] = data[r * n + b];
                int q = bFill[k * n + b]++;
                bIdx[q] = a;
                bArc[q] = p;
                if (k == 0) first[a * n + b] = p;
            }
        }
        return new Adjacency(fStart, fIdx, bStart, bIdx, fCap, bArc, first);
    }
}
