using AttentionLens.Server.Protocol;
using AttentionLens.Server.Services;

namespace AttentionLens.Server.Lsp;

/// <summary>
/// Checks of protocol parameters that the records' types cannot express, done before a request
/// reaches the services: positions and ranges against the open document (snapped to code-point
/// boundaries), and list members that must not be null. Each fault is an
/// <see cref="InvalidParamsException"/> (-32602) naming the parameter.
/// </summary>
internal static class ParamsValidator
{
    /// <summary>The range to analyse, validated against <paramref name="document"/> and snapped to whole characters.</summary>
    public static Protocol.Range AnalysisRange(TextDocument document, Protocol.Range range, string field = "range")
    {
        document.Validate(range, field);
        return document.SnapToCodePoints(range);
    }

    public static void Methods(IReadOnlyList<string>? methods)
    {
        if (methods is null) return;
        for (var i = 0; i < methods.Count; i++)
            if (methods[i] is null)
                throw new InvalidParamsException($"methods[{i}] is null; expected one of {string.Join(", ", MethodNames.All)}.");
    }

    public static void Options(AnalyzeOptions? options)
    {
        if (options?.Heads is { } heads)
            for (var i = 0; i < heads.Count; i++)
                if (heads[i] < 0) throw new InvalidParamsException($"options.heads[{i}] {heads[i]} must be a head index (0-based).");
    }

    public static void Position(Protocol.Position position, string field)
    {
        if (position.Line < 0 || position.Character < 0)
            throw new InvalidParamsException($"{field} ({position.Line}:{position.Character}) must have a non-negative line and character.");
    }
}
