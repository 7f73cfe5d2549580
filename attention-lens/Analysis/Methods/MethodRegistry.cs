namespace AttentionLens.Analysis;

/// <summary>
/// Every token-attribution method the analyzer can run, in display order. A new method is one
/// line here (and one class, its tests, and its section in docs/methods.md).
/// </summary>
public static class MethodRegistry
{
    public static IReadOnlyList<IAttributionMethod> All { get; } =
    [
        new AttentionMethod(),
        new RolloutMethod(),
        new FlowMethod(),
        new InfluenceMethod(),
        new ValueNormsMethod(),
        new AltiMethod(),
        new GlobEncMethod(),
        new ValueZeroingMethod(),
        new LogitLensMethod(),
        new RoutesMethod(),
        new SaliencyMethod(),
        new InputXGradientMethod(),
        new IntegratedGradientsMethod(),
        new AttentionXGradientMethod(),
        new GradRolloutMethod(),
    ];

    /// <summary>The methods that score input tokens (every one but the logit lens).</summary>
    public static IReadOnlyList<AnalysisMethod> TokenMethods { get; } =
        All.Where(m => m.ScoresTokens).Select(m => new AnalysisMethod(m.Name)).ToArray();

    /// <summary>The method named <paramref name="name"/> (case-insensitive), or null.</summary>
    public static IAttributionMethod? Find(string name) =>
        All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));

    public static IAttributionMethod Get(AnalysisMethod method) =>
        Find(method.Name) ?? throw new AnalysisException($"Unknown method '{method.Name}'; expected one of {string.Join(", ", All.Select(m => m.Name))}.", "methods");

    /// <summary>The label of <paramref name="method"/> for tables and legends (faithfulness: occlusion).</summary>
    public static string Label(AnalysisMethod method) =>
        method == AnalysisMethod.Faithfulness ? "occlusion (ground truth)" : Find(method.Name)?.Label ?? method.Name;
}
