namespace AttentionLens.Analysis;

/// <summary>Where a residual-stream state sits in the information-flow graph (docs/methods.md#routes).</summary>
public enum RouteNodeKind
{
    /// <summary>The input token's embedding (layer 0).</summary>
    Token,
    /// <summary>The residual stream after layer l's attention block.</summary>
    AfterAttention,
    /// <summary>Layer l's FFN block.</summary>
    Ffn,
    /// <summary>The residual stream after layer l's FFN block (the layer's output).</summary>
    AfterFfn,
}

/// <summary>A node: kind, layer (0-based; 0 for tokens) and position.</summary>
public readonly record struct RouteNode(RouteNodeKind Kind, int Layer, int Position);

/// <summary>An edge of the pruned graph: <paramref name="From"/> contributes <paramref name="Weight"/> to <paramref name="To"/>.</summary>
public sealed record RouteEdge(RouteNode From, RouteNode To, double Weight);

/// <summary>The routes to the target's prediction: every edge above <paramref name="Threshold"/> reachable
/// backwards from the target's last residual state.</summary>
public sealed record RouteGraph(double Threshold, IReadOnlyList<RouteEdge> Edges);
