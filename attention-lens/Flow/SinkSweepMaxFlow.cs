using System.Numerics;
using System.Runtime.CompilerServices;

namespace AttentionLens.Flow;

/// <summary>
/// Max-flow from one source (top, s) of the layered attention graph (algorithms.md §4) to a sweep of
/// sinks (0, j₁), (0, j₂), …, each solve warm-started from the previous sink's flow. One instance is
/// a per-thread workspace of flat arrays; nothing is allocated per sink.
///
/// Why a warm start is exact. After the max-flow to j₁, the flow on the arcs (1, a) → (0, j₁) is taken
/// off and left as excess e(a) at the layer-1 nodes: what remains is a preflow from s (conservation
/// holds everywhere except at layer-1 nodes, which hold e(a) ≥ 0, all of it sent by s). For the next
/// sink j, augment from the sources {s} ∪ {a : e(a) > 0} (a with supply e(a)) to j until no residual
/// path from any of them reaches j. Then, with T = the nodes that reach j in the residual graph, every
/// arc into T is saturated, every arc out of T carries no flow, and T holds neither s nor any excess;
/// the net flow into T is the flow into j (conservation inside T) and equals the capacity of the cut
/// (V∖T, T), so it is a maximum flow (max-flow/min-cut; the preflow argument of Goldberg and Tarjan
/// 1988 applied to the remaining excess). The excess never has to go back to s, since only the value
/// into j is read. Consecutive sinks of a banded attention differ near layer 1, so most augmenting
/// paths reroute excess over a few arcs instead of rebuilding twelve layers of flow.
///
/// Residual graph as bit masks. Per node: which neighbours in the layer below it has residual
/// capacity to, which in the layer above send it flow (and the transposes); per (distance, layer):
/// the nodes at that distance from j. A search step is then a few word ANDs over a layer (n/64 words)
/// instead of a walk over n arcs, and the admissible arcs out of a node (residual, into distance
/// d − 1) are one AND of its mask with the level mask, so saturated arcs and dead nodes drop out by
/// themselves and no current-arc pointers are needed. Both searches start with a reverse
/// breadth-first search from j over residual in-arcs (distance to j).
/// - When a layer fits one word (n ≤ 64), Dinic: per phase the search labels every reachable node, a
///   whole layer per step (the union of the frontier's arc masks, no queue), and a blocking flow is
///   pushed by DFS from every source found, nearest first, with dead-node removal.
/// - Otherwise shortest augmenting paths (Ahuja and Orlin 1987): one search per sink gives exact
///   distances; from each source the path advances along admissible arcs, augments at j, retreats to
///   the first saturated arc (the path's bottleneck is kept per prefix, so each augmentation reads
///   each arc once), and a dead end relabels its node to 1 + the lowest distance among its
///   residual neighbours (the lowest non-empty level mask it meets), with the gap rule (a distance
///   left empty cuts every node above it off from j). Labels stay valid from phase to phase, so the
///   many breadth-first searches of Dinic's phases — nine tenths of its time at n = 128 — are gone.
///   Measured on the banded benchmark (scripts/bench-flow.sh, one thread): n = 128 one target 5.5 ms
///   against Dinic's 11.6; n = 16 all targets 10 ms against these paths' 18 (its dense 16-node
///   layers make many short augmentations, which Dinic's multi-path DFS batches).
/// A sink stops early when its flow reaches the bound min(out-capacity of s, in-capacity of j, the
/// path-decomposition bound of <see cref="LayeredMaxFlow.Bounds"/>): a flow equal to an upper bound is
/// maximal. Residuals at or below <see cref="LayeredMaxFlow.Epsilon"/> count as zero, as in the cold
/// solver.
/// </summary>
internal sealed partial class SinkSweepMaxFlow
{
    private const double Epsilon = LayeredMaxFlow.Epsilon;
    private const double BoundTolerance = LayeredMaxFlow.BoundTolerance;

    private readonly double[] cap, outCapacity, inCapacity;
    private readonly int n, nn, words, layers;
    private readonly bool fullSearch, augmentingPaths;
    // Causal graph: arcs go from position a to b ≤ a only, so a node's arc masks to the layer below
    // are empty past its own word and those from the layer above before it; the searches skip
    // those words (half of them; the reverse searches are most of a sweep's time at n = 2,048).
    private readonly bool lower;
    private readonly double[] flow;
    private readonly double[] excess, pathBound, scratch1, scratch2;
    private readonly LayeredAttention graph;
    // Per node (l, a) at (l·n + a)·words: residual arcs to layer l − 1 (open) and from layer l + 1
    // (openIn); flow-carrying arcs to layer l − 1 (flowOut) and from layer l + 1 (flowIn).
    private readonly ulong[] open, openIn, flowOut, flowIn;
    private readonly ulong[] openInitial, openInInitial;
    // Per layer: nodes labelled this phase; per (level, layer): the live nodes at that level.
    private readonly ulong[] seen, excessMask;
    private readonly ulong[] levelMask;
    private readonly int[] queue, sources, level, count, stack;
    // pathMin[k]: the smallest residual on the first k arcs of the augmenting path on the stack.
    private readonly double[] pathMin;

    private readonly bool[] dirty;
    private readonly int[] dirtyRows;
    private int dirtyCount, sourceCount, maxLabel = -1;
    private int top, source, sink;

    /// <param name="graph">The capacities.</param>
    /// <param name="shortestAugmentingPaths">Force the search (tests run both); by default shortest
    /// augmenting paths when a layer spans more than one 64-bit word, Dinic otherwise.</param>
    public SinkSweepMaxFlow(LayeredAttention graph, bool? shortestAugmentingPaths = null)
    {
        cap = graph.Capacities;
        outCapacity = graph.OutCapacity;
        inCapacity = graph.InCapacity;
        n = graph.Tokens;
        nn = n * n;
        layers = graph.Layers;
        words = (n + 63) >> 6;
        fullSearch = words == 1;
        lower = graph.LowerTriangular;
        augmentingPaths = shortestAugmentingPaths ?? words > 1;
        int nodes = (layers + 1) * n;
        flow = new double[cap.Length];
        excess = new double[n];
        pathBound = new double[n];
        scratch1 = new double[n];
        scratch2 = new double[n];
        this.graph = graph;
        var masks = graph.Masks;
        openInitial = masks.Out;
        openInInitial = masks.In;
        open = (ulong[])openInitial.Clone();
        openIn = (ulong[])openInInitial.Clone();
        flowOut = new ulong[nodes * words];
        flowIn = new ulong[nodes * words];
        seen = new ulong[(layers + 1) * words];
        excessMask = new ulong[words];
        levelMask = new ulong[(nodes + 1) * (layers + 1) * words];
        queue = new int[nodes];
        level = new int[nodes];
        count = new int[nodes + 2];
        stack = new int[nodes + 1];
        pathMin = new double[nodes + 1];
        sources = new int[nodes];
        dirty = new bool[layers * n];
        dirtyRows = new int[layers * n];
    }

    /// <summary>Starts a sweep from node (<paramref name="sourceLayer"/>, <paramref name="sourcePosition"/>),
    /// 1 ≤ sourceLayer ≤ L, with zero flow.</summary>
    public void Begin(int sourceLayer, int sourcePosition)
    {
        Reset();
        top = sourceLayer;
        source = sourcePosition;
        Array.Clear(excess);
        LayeredMaxFlow.Bounds(graph, top, source, pathBound, scratch1, scratch2);
    }

    /// <summary>
    /// Max-flow value from the sweep's source to (0, <paramref name="sinkPosition"/>), given a valid
    /// upper bound on it (it only lets the solve stop early). The flow stays for the next sink.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Solve(int sinkPosition, double upperBound = double.PositiveInfinity)
    {
        sink = sinkPosition;
        if (top == 1) return cap[source * n + sink];
        double bound = Math.Min(Math.Min(outCapacity[(top - 1) * n + source], inCapacity[sink]), Math.Min(upperBound, pathBound[sink]));
        double total = 0;
        if (bound > Epsilon)
        {
            // Excess already at layer 1 goes straight into the sink first: no search needed.
            for (int a = 0; a < n && bound - total > BoundTolerance; a++)
            {
                if (excess[a] <= Epsilon) continue;
                double d = Math.Min(Math.Min(excess[a], cap[a * n + sink] - flow[a * n + sink]), bound - total);
                if (d <= Epsilon) continue;
                Forward(1, a, sink, d);
                excess[a] -= d;
                total += d;
            }
            total = augmentingPaths ? ShortestAugmentingPaths(bound, total) : BlockingFlows(bound, total);
            ClearLevels();
        }
        // The flow into this sink becomes excess at layer 1 for the next one.
        for (int a = 0; a < n; a++)
        {
            int e = a * n + sink;
            if (flow[e] == 0) continue;
            excess[a] += flow[e];
            flow[e] = 0;
            Restore(0, a, sink);
        }
        return total;
    }

    /// <summary>Clears the flow (and its masks) on the rows the sweep touched.</summary>
    public void Reset()
    {
        for (int k = 0; k < dirtyCount; k++)
        {
            int row = dirtyRows[k], block = row / n, a = row - block * n;
            flow.AsSpan(block * nn + a * n, n).Clear();
            for (int b = 0; b < n; b++) Restore(block, a, b);
            dirty[row] = false;
        }
        dirtyCount = 0;
    }

    // Puts arc (block + 1, a) → (block, b) back to zero flow in the masks.
    private void Restore(int block, int a, int b)
    {
        int from = (block + 1) * n + a, to = block * n + b;
        Assign(open, from, b, Get(openInitial, from, b));
        Assign(openIn, to, a, Get(openInInitial, to, a));
        Assign(flowOut, from, b, false);
        Assign(flowIn, to, a, false);
    }

    // Reverse BFS from the sink over residual in-arcs, level = distance to the sink, stopping after
    // the first level that holds a source; those sources are collected for the blocking flow.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Levels(bool full)
    {
        int head = 0, tail = 0, found = int.MaxValue;
        sourceCount = 0;
        Array.Clear(excessMask);
        for (int a = 0; a < n; a++) if (excess[a] > Epsilon) excessMask[a >> 6] |= 1UL << (a & 63);
        Label(0, sink, 0, ref tail);
        while (head < tail)
        {
            int packed = queue[head++];
            int l = packed >> 16, b = packed & 0xFFFF, w = l * n + b, lw = level[w];
            if (lw >= found && !full) break;
            // Once a source is known at level lw + 1, only more sources are worth labelling there.
            bool sourcesOnly = lw + 1 == found && !full;
            // Forward arcs (l + 1, u) → (l, b) with residual capacity; in the top layer only the source lives.
            if (l + 1 <= top && (!sourcesOnly || l + 1 == top || l + 1 == 1))
            {
                int m = w * words, s = (l + 1) * words;
                for (int i = lower ? b >> 6 : 0; i < words; i++)
                {
                    ulong bits = openIn[m + i] & ~seen[s + i];
                    if (l + 1 == top) bits &= (source >> 6) == i ? 1UL << (source & 63) : 0;
                    else if (sourcesOnly) bits &= excessMask[i];
                    for (; bits != 0; bits &= bits - 1)
                    {
                        int u = (i << 6) + BitOperations.TrailingZeroCount(bits);
                        Label(l + 1, u, lw + 1, ref tail);
                        if (l + 1 == top || (l + 1 == 1 && excess[u] > Epsilon)) { sources[sourceCount++] = (l + 1) * n + u; found = Math.Min(found, lw + 1); }
                    }
                }
            }
            // Backward arcs (l − 1, u) → (l, b), residual = flow on (l, b) → (l − 1, u). Layer 0 carries
            // flow only into the sink, which is never an intermediate node.
            if (l >= 2 && (!sourcesOnly || l == 2))
            {
                int m = w * words, s = (l - 1) * words;
                for (int i = 0, end = lower ? (b >> 6) + 1 : words; i < end; i++)
                {
                    ulong bits = flowOut[m + i] & ~seen[s + i];
                    if (sourcesOnly) bits &= excessMask[i];
                    for (; bits != 0; bits &= bits - 1)
                    {
                        int u = (i << 6) + BitOperations.TrailingZeroCount(bits);
                        Label(l - 1, u, lw + 1, ref tail);
                        if (l - 1 == 1 && excess[u] > Epsilon) { sources[sourceCount++] = n + u; found = Math.Min(found, lw + 1); }
                    }
                }
            }
        }
        return sourceCount > 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Label(int l, int a, int lv, ref int tail)
    {
        Set(seen, l, a);
        levelMask[(lv * (layers + 1) + l) * words + (a >> 6)] |= 1UL << (a & 63);
        queue[tail++] = (l << 16) | a;
        level[l * n + a] = lv;
        if (lv > maxLabel) maxLabel = lv;
        count[lv]++;
    }

    private void ClearLevels()
    {
        if (maxLabel < 0) return;
        Array.Clear(seen);
        levelMask.AsSpan(0, (maxLabel + 1) * (layers + 1) * words).Clear();
        count.AsSpan(0, maxLabel + 1).Clear();
        maxLabel = -1;
    }

    // Adds d to the flow on (l, a) → (l − 1, b) and updates the masks; returns the arc's residual.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double Forward(int l, int a, int b, double d)
    {
        int e = (l - 1) * nn + a * n + b;
        double before = flow[e];
        double f = flow[e] = before + d;
        int from = (l * n + a) * words + (b >> 6), to = ((l - 1) * n + b) * words + (a >> 6);
        ulong bitB = 1UL << (b & 63), bitA = 1UL << (a & 63);
        if (cap[e] - f <= Epsilon) { open[from] &= ~bitB; openIn[to] &= ~bitA; }
        if (before <= Epsilon && f > Epsilon) { flowOut[from] |= bitB; flowIn[to] |= bitA; }
        int row = (l - 1) * n + a;
        if (!dirty[row]) { dirty[row] = true; dirtyRows[dirtyCount++] = row; }
        return cap[e] - f;
    }

    // Cancels d of the flow on (l + 1, u) → (l, a); returns the flow left (the residual of the
    // backward arc (l, a) → (l + 1, u)).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double Backward(int l, int a, int u, double d)
    {
        int e = l * nn + u * n + a;
        double f = flow[e] -= d;
        int from = (l + 1) * n + u, to = l * n + a;
        if (f <= Epsilon) { Assign(flowOut, from, a, false); Assign(flowIn, to, u, false); }
        if (cap[e] - f > Epsilon) { Assign(open, from, a, true); Assign(openIn, to, u, true); }
        return f;
    }

    private void MarkDirty(int row)
    {
        if (dirty[row]) return;
        dirty[row] = true;
        dirtyRows[dirtyCount++] = row;
    }

    private void Set(ulong[] masks, int node, int bit) => masks[node * words + (bit >> 6)] |= 1UL << (bit & 63);

    private bool Get(ulong[] masks, int node, int bit) => (masks[node * words + (bit >> 6)] & (1UL << (bit & 63))) != 0;

    private void Assign(ulong[] masks, int node, int bit, bool value)
    {
        ref ulong word = ref masks[node * words + (bit >> 6)];
        word = value ? word | (1UL << (bit & 63)) : word & ~(1UL << (bit & 63));
    }
}
