using System.Collections.Frozen;
using AttentionLens.Analysis;

namespace AttentionLens.Server.Services;

/// <summary>The protocol's names of the analysis methods (camelCase of <see cref="AnalysisMethod"/>).</summary>
public static class MethodNames
{
    private static readonly FrozenDictionary<string, AnalysisMethod> ByName = new Dictionary<string, AnalysisMethod>
    {
        ["attention"] = AnalysisMethod.Attention,
        ["rollout"] = AnalysisMethod.Rollout,
        ["flow"] = AnalysisMethod.Flow,
        ["influence"] = AnalysisMethod.Influence,
        ["valueNorms"] = AnalysisMethod.ValueNorms,
        ["faithfulness"] = AnalysisMethod.Faithfulness,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyList<string> All { get; } = ["attention", "rollout", "flow", "influence", "valueNorms", "faithfulness"];

    public static string Name(AnalysisMethod method) => All[(int)method];

    public static AnalysisMethod Parse(string name, string field) =>
        ByName.TryGetValue(name, out var m) ? m
            : throw new InvalidParamsException($"{field}: unknown method '{name}'; expected one of {string.Join(", ", All)}.");
}
