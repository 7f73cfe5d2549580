using AttentionLens.Server.Protocol;
using Range = AttentionLens.Server.Protocol.Range;

namespace AttentionLens.Server.Services;

/// <summary>One analysis to run: a range of a document with a model, target, methods and options.</summary>
public sealed record AnalysisRequest(string Uri, TextDocument Document, Range Range, string Model, TargetSpec? Target, IReadOnlyList<string>? Methods, AnalyzeOptions? Options)
{
    /// <summary>An editor position whose token becomes the target.</summary>
    public Position? TargetPosition { get; init; }
}
