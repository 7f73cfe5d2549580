using AttentionLens.Server.Protocol;
using Range = AttentionLens.Server.Protocol.Range;

namespace AttentionLens.Server.Services;

/// <summary>One analysis to run: a range of a document with a model, target, methods and options.</summary>
public sealed record AnalysisRequest(string Uri, TextDocument Document, Range Range, string Model, TargetSpec? Target, IReadOnlyList<string>? Methods, AnalyzeOptions? Options)
{
    /// <summary>An editor position whose token becomes the target.</summary>
    public Position? TargetPosition { get; init; }

    /// <summary>A label (id2label name or id) or, for LMs, a token (id or text) to explain instead of the prediction.</summary>
    public string? Label { get; init; }

    /// <summary>The alternative B of a contrastive analysis: a label (name or id) or, for LMs, a token (id or text).</summary>
    public string? Contrast { get; init; }

    /// <summary>Extractive QA: explain the span's end rather than its start.</summary>
    public bool QaEnd { get; init; }

    /// <summary>Extractive QA: the context's range (two selections); null = split the selection at <see cref="AnalysisService.QaSplitMarker"/>.</summary>
    public Range? ContextRange { get; init; }

    /// <summary>Causal LMs: token ids appended after the selection's tokens (a generated continuation).</summary>
    public IReadOnlyList<int>? Continuation { get; init; }
}
