namespace AttentionLens.Analysis;

/// <summary>A request the analysis cannot serve: too many tokens, a target out of range, a model
/// that did not return what a method needs, two analyses of different texts compared.</summary>
public sealed class AnalysisException : AttentionLensException
{
    public AnalysisException(string message, string? path = null) : base(message, path) { }
}
