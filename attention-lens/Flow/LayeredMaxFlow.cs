namespace AttentionLens.Flow;

/// <summary>
/// Dinic's max-flow specialised to the layered attention graph (algorithms.md §4). One instance is a
/// per-thread workspace: the flow F of every edge (l, a) → (l−1, b) is stored in the graph's
/// forward-arc order (row (l, a)'s arcs contiguous, beside their capacities; dense n × n per layer
/// when nothing is pruned), so the forward residual is Â − F and the backward residual
/// (l−1, b) → (l, a) is F, reached through the backward arc's link to its forward arc. Queries reuse
/// the buffers; only the rows a query touched are cleared afterwards.
///
/// Structure used:
/// - Layer indices are exact BFS levels for the first phase (every source-to-sink path has length
///   <c>top</c>), so phase one needs no BFS.
/// - The value is bounded by min(out-capacity of the source, in-capacity of the sink); a flow that
///   reaches it is optimal, so the solver stops there (on iid attention every query does).
/// - Only the source is live in the top layer and only the sink in layer 0: other nodes there have
///   no incoming (top) or outgoing (bottom) edges, so they are never visited.
/// - Residuals at or below <see cref="Epsilon"/> count as zero, or float noise would make endless
///   augmenting paths of size 1e-17.
/// Determinism and tie-breaking: arcs are tried in a fixed order (forward arcs by decreasing
/// capacity, equal capacities by increasing key index, then backward arcs by increasing query
/// index) with current-arc pointers, so the edge flows of a query are a deterministic function of
/// the capacities.
/// </summary>
internal sealed class LayeredMaxFlow
{
    public const double Epsilon = 1e-15;

    /// <summary>Stop once the flow is within this of the trivial bound.</summary>
    public const double BoundTolerance = 1e-13;

    private readonly LayeredAttention g;
    private readonly int n;
    private readonly double[] flow;
    private readonly int[] level;
    private readonly int[] arc;
    private readonly int[] queue;
    private readonly bool[] dirty;
    private readonly List<int> dirtyRows = [];
    private int top, source, sink;

    /// <summary>Diagnostics of the last query: phases run and DFS calls made.</summary>
    public int Phases { get; private set; }

    public long Calls { get; private set; }

    public LayeredMaxFlow(LayeredAttention graph)
    {
        g = graph;
        n = graph.Tokens;
        flow = new double[graph.ForwardCapacity.Length];
        level = new int[(graph.Layers + 1) * n];
        arc = new int[(graph.Layers + 1) * n];
        queue = new int[(graph.Layers + 1) * n];
        dirty = new bool[graph.Layers * n];
    }

    /// <summary>The flow on edge (l, a) → (l−1, b) after the last <see cref="Solve"/> with keepFlow.</summary>
    public double EdgeFlow(int layer, int a, int b)
    {
        int row = (layer - 1) * n + a;
        for (int p = g.ForwardStart[row]; p < g.ForwardStart[row + 1]; p++)
            if (g.ForwardIndex[p] == b) return flow[p];
        return 0;
    }

    /// <summary>
    /// Max-flow value from node (<paramref name="sourceLayer"/>, <paramref name="sourcePosition"/>)
    /// to node (0, <paramref name="sinkPosition"/>). With <paramref name="keepFlow"/> the edge flows stay
    /// readable until <see cref="Reset"/>; otherwise they are cleared before returning.
    /// </summary>
    public double Solve(int sourceLayer, int sourcePosition, int sinkPosition, bool keepFlow = false, double upperBound = double.PositiveInfinity)
    {
        top = sourceLayer;
        source = sourcePosition;
        sink = sinkPosition;
        double bound = Math.Min(Math.Min(g.OutCapacity[(top - 1) * n + source], g.InCapacity[sink]), upperBound);
        double total = 0;
        Phases = 0;
        Calls = 0;
        if (bound > Epsilon)
        {
            // Phase one: levels are the distances top − l, known without a search.
            Array.Fill(level, -1, 0, n);
            level[sink] = top;
            for (int l = 1; l < top; l++) Array.Fill(level, top - l, l * n, n);
            Array.Fill(level, -1, top * n, n);
            level[top * n + source] = 0;
            while (true)
            {
                Phases++;
                Array.Clear(arc, 0, (top + 1) * n);
                while (bound - total > BoundTolerance)
                {
                    double pushed = Push(top, source, bound - total);
                    if (pushed <= 0) break;
                    total += pushed;
                }
                if (bound - total <= BoundTolerance || !Levels()) break;
            }
        }
        if (!keepFlow) Reset();
        return total;
    }

    /// <summary>
    /// Upper bounds on the flow from (<paramref name="sourceLayer"/>, <paramref name="sourcePosition"/>)
    /// to every input token, shared by all sinks of that source. Every path decomposition of a flow in
    /// this DAG sends at most min(Â[l][a, b], throughput of (l, a)) along an edge, so with
    /// U(top, s) = out-capacity of s and U(l−1, b) = Σ_a min(Â[l][a, b], U(l, a)), U(0, j) bounds the
    /// flow into (0, j). It is at most the in-capacity of the sink and lets more queries stop early.
    /// </summary>
    public static void Bounds(LayeredAttention graph, int sourceLayer, int sourcePosition, Span<double> destination) =>
        Bounds(graph, sourceLayer, sourcePosition, destination, new double[graph.Tokens], new double[graph.Tokens]);

    /// <summary><see cref="Bounds(LayeredAttention, int, int, Span{double})"/> with caller-provided
    /// scratch rows of n values each.</summary>
    public static void Bounds(LayeredAttention graph, int sourceLayer, int sourcePosition, Span<double> destination, Span<double> current, Span<double> next)
    {
        int n = graph.Tokens;
        current.Clear();
        current[sourcePosition] = graph.OutCapacity[(sourceLayer - 1) * n + sourcePosition];
        for (int l = sourceLayer; l >= 1; l--)
        {
            next.Clear();
            var block = graph.Block(l - 1);
            for (int a = 0; a < n; a++)
            {
                double u = current[a];
                if (u <= 0) continue;
                var row = block.Slice(a * n, n);
                for (int b = 0; b < n; b++) next[b] += Math.Min(row[b], u);
            }
            var swap = current;
            current = next;
            next = swap;
        }
        current.CopyTo(destination);
    }

    /// <summary>Clears the flow rows the last query touched.</summary>
    public void Reset()
    {
        foreach (int row in dirtyRows)
        {
            flow.AsSpan(g.ForwardStart[row], g.ForwardStart[row + 1] - g.ForwardStart[row]).Clear();
            dirty[row] = false;
        }
        dirtyRows.Clear();
    }

    // BFS over the residual graph from the source; false when the sink is unreachable.
    private bool Levels()
    {
        int nodes = (top + 1) * n;
        Array.Fill(level, -1, 0, nodes);
        int head = 0, tail = 0, sinkLevel = -1;
        level[top * n + source] = 0;
        queue[tail++] = top * n + source;
        var fStart = g.ForwardStart; var fIdx = g.ForwardIndex; var cap = g.ForwardCapacity;
        var bStart = g.BackwardStart; var bIdx = g.BackwardIndex; var bArc = g.BackwardArc;
        while (head < tail)
        {
            int node = queue[head++];
            int l = node / n, a = node % n, lv = level[node];
            if (sinkLevel >= 0 && lv + 1 >= sinkLevel) continue;
            if (l == 1)
            {
                int e = g.FirstLayerArc[a * n + sink];
                if (e >= 0 && level[sink] < 0 && cap[e] - flow[e] > Epsilon)
                {
                    level[sink] = lv + 1;
                    sinkLevel = lv + 1;
                }
            }
            else if (l > 1)
            {
                int row = (l - 1) * n + a;
                for (int p = fStart[row]; p < fStart[row + 1]; p++)
                {
                    int next = (l - 1) * n + fIdx[p];
                    if (level[next] >= 0 || cap[p] - flow[p] <= Epsilon) continue;
                    level[next] = lv + 1;
                    queue[tail++] = next;
                }
            }
            if (l < top)
            {
                int col = l * n + a;
                for (int p = bStart[col]; p < bStart[col + 1]; p++)
                {
                    int a2 = bIdx[p];
                    if (l + 1 == top && a2 != source) continue;
                    int next = (l + 1) * n + a2;
                    if (level[next] >= 0 || flow[bArc[p]] <= Epsilon) continue;
                    level[next] = lv + 1;
                    queue[tail++] = next;
                }
            }
        }
        return sinkLevel >= 0;
    }

    // Multi-path DFS of Dinic's blocking flow with current-arc pointers; returns the amount pushed
    // from node (l, a) towards the sink, at most limit.
    private double Push(int l, int a, double limit)
    {
        Calls++;
        if (l == 0) return limit;
        int node = l * n + a, lv = level[node];
        var cap = g.ForwardCapacity;
        int fRow = (l - 1) * n + a;
        int fBegin = g.ForwardStart[fRow], fDeg = g.ForwardStart[fRow + 1] - fBegin;
        // Layer 1: the only live forward arc is the one into the sink.
        if (l == 1)
        {
            fBegin = g.FirstLayerArc[a * n + sink];
            fDeg = fBegin >= 0 ? 1 : 0;
        }
        int bCol = l * n + a;
        int bBegin = l < top ? g.BackwardStart[bCol] : 0, bDeg = l < top ? g.BackwardStart[bCol + 1] - bBegin : 0;
        double pushed = 0;
        ref int it = ref arc[node];
        for (; it < fDeg + bDeg; it++)
        {
            int e, next;
            double residual;
            bool forward = it < fDeg;
            if (forward)
            {
                e = fBegin + it;
                next = l == 1 ? sink : (l - 1) * n + g.ForwardIndex[e];
                if (level[next] != lv + 1) continue;
                residual = cap[e] - flow[e];
            }
            else
            {
                int q = bBegin + it - fDeg;
                next = (l + 1) * n + g.BackwardIndex[q];
                if (level[next] != lv + 1) continue;
                e = g.BackwardArc[q];
                residual = flow[e];
            }
            if (residual <= Epsilon) continue;
            double d = Push(next / n, next % n, Math.Min(limit - pushed, residual));
            if (d <= 0) continue;
            int row = forward ? fRow : l * n + (next % n);
            if (!dirty[row]) { dirty[row] = true; dirtyRows.Add(row); }
            if (forward) flow[e] += d; else flow[e] -= d;
            pushed += d;
            if (limit - pushed <= Epsilon) return pushed;
        }
        // Every arc is exhausted: the node is blocked for the rest of the phase. Taking it out of
        // the level graph saves its other parents a call each.
        level[node] = -1;
        return pushed;
    }
}
