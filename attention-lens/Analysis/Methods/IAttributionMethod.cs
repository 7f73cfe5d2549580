using AttentionLens.Models;

namespace AttentionLens.Analysis;

/// <summary>
/// One token-attribution method as a plug-in: a name (the protocol's), what it needs from the
/// forward pass, and the computation for one target. Adding a method is one class implementing
/// this, its tests, and one line in <see cref="MethodRegistry"/>; its definition goes to docs/methods.md.
/// Implementations are stateless and thread-safe.
/// </summary>
public interface IAttributionMethod
{
    /// <summary>camelCase name used in requests, results and the client.</summary>
    string Name { get; }

    /// <summary>Short human label for tables and legends.</summary>
    string Label { get; }

    MethodNeeds Needs { get; }

    /// <summary>False for a method that explains something other than input tokens (the logit lens):
    /// it has no token scores, so rankings and faithfulness leave it out.</summary>
    bool ScoresTokens => true;

    /// <summary>Refuses bad options before any forward pass runs (an <see cref="AnalysisException"/>).</summary>
    void CheckOptions(AnalysisOptions options) { }

    /// <summary>Null when the model and its forward pass supply this method's inputs, else why not
    /// (asked after the forward pass, which was run with every requested method's <see cref="Needs"/>).</summary>
    string? Unsupported(MethodContext context);

    /// <summary>The target's (T) scores (larger = more important) and optional per-layer rows and detail record.</summary>
    MethodOutput Compute(MethodContext context, CancellationToken cancellationToken);
}
