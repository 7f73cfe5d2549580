using AttentionLens.Analysis;

namespace AttentionLens.Server.Services;

/// <summary>The protocol's names of the analysis methods: the core's <see cref="MethodRegistry"/> plus faithfulness.</summary>
public static class MethodNames
{
    public static IReadOnlyList<string> All { get; } = AnalysisMethod.All.Select(m => m.Name).ToArray();

    public static string Name(AnalysisMethod method) => method.Name;

    public static AnalysisMethod Parse(string name, string field) =>
        AnalysisMethod.All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase)) is { Name: not null } found ? found
            : throw new InvalidParamsException($"{field}: unknown method '{name}'; expected one of {string.Join(", ", All)}.");
}
