namespace AttentionLens.Flow;

/// <summary>
/// Exact attention flow (algorithms.md §4; Abnar and Zuidema 2020): F_raw[t, j] is the max-flow
/// value from node (L, t) to node (0, j) of the layered graph whose edge (l, i) → (l−1, j) has
/// capacity Â[l][i, j]; F is F_raw with each row divided by its sum. Max-flow values are unique,
/// so these equal the reference's networkx Edmonds–Karp values to rounding whatever the algorithm.
/// Queries are independent and run in parallel, each thread with its own flow buffers.
/// Work shared across queries: the graph's pruned adjacency (widest arcs first) and the in- and
/// out-capacities that give each query its bound are built once per attention and read by every
/// (target, sink) query; a thread's flow buffers are reused from query to query and only the rows a
/// query touched are cleared. The sinks of one source are solved as a sweep, each warm-started from
/// the previous sink's flow (<see cref="SinkSweepMaxFlow"/> says why that stays exact), from the last
/// sink down when the graph is causal (<see cref="LayeredAttention.LowerTriangular"/>; see Sweep).
/// Cost of a sweep of n sinks: per sink one full reverse search over the (L + 1)·n nodes' masks
/// (n/64 words each, O(L·n²/64) word operations) and the augmenting paths that reroute the previous
/// sinks' flow (on causal attention about 2.3·n paths of about 6 arcs per sink); so O(L·n³/64) word
/// operations plus O(n²) short paths in practice, against n cold max-flows of O(V·E) and more each
/// for scipy's Dinic. At 2,048 tokens the searches dominate; see the README's performance section.
/// </summary>
public static class AttentionFlow
{
    /// <summary>(n) raw flow from (L, <paramref name="target"/>) to every input token.</summary>
    public static double[] RawForTarget(LayeredAttention graph, int target, CancellationToken cancellationToken = default) =>
        Raw(graph, graph.Layers, [target], cancellationToken);

    /// <summary>(n × n) raw flow, row t from (L, t) to every input token.</summary>
    public static double[] RawAllTargets(LayeredAttention graph, CancellationToken cancellationToken = default) =>
        Raw(graph, graph.Layers, Enumerable.Range(0, graph.Tokens).ToArray(), cancellationToken);

    /// <summary>
    /// (L × n) raw flow from (l, <paramref name="target"/>) for every layer l: row l−1 holds layer l.
    /// One parallel loop over all L·n max-flows.
    /// </summary>
    public static double[] RawByLayer(LayeredAttention graph, int target, CancellationToken cancellationToken = default)
    {
        if (target < 0 || target >= graph.Tokens)
            throw new InvalidAttentionException($"target position {target} is out of range; it must be in 0..{graph.Tokens - 1}.", "target");
        var queries = Enumerable.Range(1, graph.Layers).Select(l => (Layer: l, Target: target)).ToArray();
        var result = new double[graph.Layers * graph.Tokens];
        Solve(graph, queries, result, cancellationToken);
        return result;
    }

    /// <summary>
    /// (L × n × n) raw flow from every layer's nodes: block l−1, row i holds the flow from (l, i) to
    /// every input token (the reference's <c>flow_all_layers_raw</c>).
    /// </summary>
    public static double[] RawAllLayers(LayeredAttention graph, CancellationToken cancellationToken = default)
    {
        int n = graph.Tokens;
        var result = new double[graph.Layers * n * n];
        var queries = Enumerable.Range(0, graph.Layers * n).Select(q => (Layer: q / n + 1, Target: q % n)).ToArray();
        Solve(graph, queries, result, cancellationToken);
        return result;
    }

    /// <summary>
    /// (targets × n) raw flow from (<paramref name="sourceLayer"/>, t) for each t in
    /// <paramref name="targets"/>; <paramref name="sourceLayer"/> is 1..L.
    /// </summary>
    public static double[] Raw(LayeredAttention graph, int sourceLayer, IReadOnlyList<int> targets, CancellationToken cancellationToken = default)
    {
        if (sourceLayer < 1 || sourceLayer > graph.Layers)
            throw new InvalidAttentionException($"source layer {sourceLayer} is out of range 1..{graph.Layers}.");
        var queries = new (int Layer, int Target)[targets.Count];
        for (int k = 0; k < targets.Count; k++)
        {
            if (targets[k] < 0 || targets[k] >= graph.Tokens)
                throw new InvalidAttentionException($"target position {targets[k]} is out of range; it must be in 0..{graph.Tokens - 1}.", "target");
            queries[k] = (sourceLayer, targets[k]);
        }
        var result = new double[targets.Count * graph.Tokens];
        Solve(graph, queries, result, cancellationToken);
        return result;
    }

    /// <summary>Divides each row of <paramref name="matrix"/> (rows × <paramref name="cols"/>) by its sum
    /// in place, as the reference does; a row summing to zero is left as zeros.</summary>
    public static void NormaliseRows(Span<double> matrix, int cols)
    {
        for (int r = 0; r < matrix.Length / cols; r++)
        {
            var row = matrix.Slice(r * cols, cols);
            double sum = 0;
            foreach (var v in row) sum += v;
            if (sum <= 0) continue;
            for (int j = 0; j < cols; j++) row[j] /= sum;
        }
    }

    // Work items are sweeps: one source and a contiguous run of its sinks, solved in order with the
    // flow warm-started from sink to sink (SinkSweepMaxFlow). With fewer sources than cores and
    // n ≥ 256 each source's sinks are split into runs, so one target at large n still uses every
    // core; each worker owns a solver (its flow buffers) for the whole loop.
    private static void Solve(LayeredAttention graph, (int Layer, int Target)[] queries, double[] result, CancellationToken cancellationToken)
    {
        int n = graph.Tokens;
        int cores = Environment.ProcessorCount;
        // Splitting a source's sinks costs a cold start per extra run (and a workspace of 2·L·n²
        // doubles); below n = 256 one sweep is a few milliseconds and splitting it costs more CPU than
        // it saves wall time (measured at n = 128: 9 ms CPU split in two against 6.7 ms in one).
        int runs = queries.Length >= cores || n < 256 ? 1 : Math.Min(n / 128, (cores + queries.Length - 1) / queries.Length);
        int items = queries.Length * runs;
        var options = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = cores };
        if ((long)queries.Length * n < 64)
        {
            var solver = new SinkSweepMaxFlow(graph);
            for (int q = 0; q < queries.Length; q++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Sweep(solver, queries[q], 0, n, graph.LowerTriangular, result.AsSpan(q * n, n));
            }
            return;
        }
        // One solver (2·L·n² doubles) per worker: cap the workers at the core count so a long loop
        // cannot grow the pool, and the memory, beyond it.
        Parallel.For(0, items, options, () => new SinkSweepMaxFlow(graph), (item, state, solver) =>
        {
            if (cancellationToken.IsCancellationRequested) { state.Stop(); return solver; }
            // Last query first: RawByLayer lists its sources from layer 1 up and a sweep's cost
            // grows with its source's layer, so the longest sweeps start first and the short ones
            // fill in, instead of one worker finishing the top layers alone.
            int q = queries.Length - 1 - item / runs, run = item % runs;
            int from = run * n / runs, to = (run + 1) * n / runs;
            Sweep(solver, queries[q], from, to, graph.LowerTriangular, result.AsSpan(q * n, n));
            return solver;
        }, _ => { });
        cancellationToken.ThrowIfCancellationRequested();
    }

    // Sinks from..to−1 of one source, each warm-started from the previous one: in increasing order,
    // or from the last down when the graph is causal. Why the order matters there: the flow the
    // previous sinks took becomes excess at layer-1 nodes (1, a) with an arc into one of them, i.e.
    // a ≥ that sink. Going down, every such a is ≥ the next sink j too, so all of the excess has a
    // direct arc (1, a) → (0, j) and reroutes over one or three arcs; going up, the excess left at
    // a < j has no arc into j and the new sink's flow must come down from the source through every
    // layer. Measured on 16 causal layers at n = 1,024 (bench flow --causal-tokens): augmenting
    // paths of 6.4 arcs on average instead of 16.8, 29% less time.
    private static void Sweep(SinkSweepMaxFlow solver, (int Layer, int Target) query, int from, int to, bool descending, Span<double> result)
    {
        solver.Begin(query.Layer, query.Target);
        if (descending)
        {
            for (int j = to - 1; j >= from; j--) result[j] = solver.Solve(j);
        }
        else
        {
            for (int j = from; j < to; j++) result[j] = solver.Solve(j);
        }
    }
}
