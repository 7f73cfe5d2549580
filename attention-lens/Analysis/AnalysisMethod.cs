namespace AttentionLens.Analysis;

/// <summary>
/// The name of a token-scoring method: the key of <see cref="MethodRegistry"/> and the protocol's
/// method name (camelCase). The classics have named instances for callers that pick one; any
/// registered method is <c>new AnalysisMethod(name)</c>. Definitions: docs/methods.md.
/// </summary>
public readonly record struct AnalysisMethod(string Name)
{
    /// <summary>Raw attention of the last layer, heads reduced (docs/methods.md, "attention").</summary>
    public static readonly AnalysisMethod Attention = new("attention");
    /// <summary>Attention rollout (docs/methods.md, "rollout"); always computed.</summary>
    public static readonly AnalysisMethod Rollout = new("rollout");
    /// <summary>Exact max-flow attention flow (docs/methods.md, "flow").</summary>
    public static readonly AnalysisMethod Flow = new("flow");
    /// <summary>Traced-graph token influence (docs/methods.md, "influence").</summary>
    public static readonly AnalysisMethod Influence = new("influence");
    /// <summary>Value-weighted attention norms (docs/methods.md, "valueNorms").</summary>
    public static readonly AnalysisMethod ValueNorms = new("valueNorms");
    /// <summary>Leave-one-out occlusion, Spearman ρ and ERASER AOPC of every method against it
    /// (docs/methods.md, "faithfulness"); not a registry entry: it scores the others.</summary>
    public static readonly AnalysisMethod Faithfulness = new("faithfulness");

    /// <summary>Every name a request may carry: the registry's methods, then faithfulness.</summary>
    public static IReadOnlyList<AnalysisMethod> All { get; } =
        [.. MethodRegistry.All.Select(m => new AnalysisMethod(m.Name)), Faithfulness];

    public override string ToString() => Name;
}
