using System.Text.Json;

namespace AttentionLens.Server.Protocol;

/// <summary><c>attentionLens/analyze</c> params: analyse <paramref name="Range"/> of an open document.</summary>
public sealed record AnalyzeParams
{
    public required TextDocumentIdentifier TextDocument { get; init; }
    public required Range Range { get; init; }
    /// <summary>A model id from listModels, or a checkpoint folder path.</summary>
    public required string Model { get; init; }
    /// <summary>Token whose prediction is explained: an index, "first" or "last"; default first token
    /// (encoders) or last (decoders). Resolved by the server after tokenizing.</summary>
    public TargetSpec? Target { get; init; }
    /// <summary>An editor position: the token containing it becomes the target (overrides <see cref="Target"/>
    /// when a non-special token contains it; otherwise the default applies).</summary>
    public Position? TargetPosition { get; init; }
    /// <summary>Any registered method (docs/methods.md) or faithfulness; rollout is always computed.</summary>
    public IReadOnlyList<string>? Methods { get; init; }
    public AnalyzeOptions? Options { get; init; }
    /// <summary>The label to explain instead of the predicted one: an id2label name or a class id (classifiers,
    /// token classifiers), a vocabulary id or token (LMs). Omitted = the model's own prediction.</summary>
    public string? Label { get; init; }
    /// <summary>Extractive QA: explain the end of the predicted span instead of its start.</summary>
    public bool? QaEnd { get; init; }
    /// <summary>The alternative B of a contrastive analysis, "why the prediction (or <see cref="Label"/>) rather than B"
    /// (docs/methods.md#contrastive): a label (id2label name or id) of a classifier, a token (vocabulary id or
    /// token) of an LM. The explained quantity becomes the logit difference. Omitted = not contrastive.</summary>
    public string? Contrast { get; init; }
    /// <summary>Extractive QA: the context's range when question (<see cref="Range"/>) and context are two
    /// selections; omitted = the selection is split at the first <c>|||</c> (question before, context after).</summary>
    public Range? ContextRange { get; init; }
    /// <summary>Causal LMs: token ids appended after the selection's tokens (a continuation from
    /// attentionLens/generate), so a generated token can be explained with the prefix before it. They
    /// get empty ranges at the selection's end.</summary>
    public IReadOnlyList<int>? Continuation { get; init; }
    /// <summary>LSP work-done token supplied by the client, used for $/progress.</summary>
    public JsonElement? WorkDoneToken { get; init; }
}

/// <summary>Method options (docs/methods.md §1–§6).</summary>
public sealed record AnalyzeOptions
{
    /// <summary>mean (default), max, min or sum.</summary>
    public string? HeadReduction { get; init; }
    /// <summary>Heads included in the reduction (0-based); null = all.</summary>
    public IReadOnlyList<int>? Heads { get; init; }
    public bool? Residual { get; init; }
    public double? Tau { get; init; }
    public double? Alpha { get; init; }
    /// <summary>Include per-layer matrices (rolloutByLayer, flow.byLayer, influence.byLayer…).</summary>
    public bool? Layers { get; init; }
    public int? MaxTokens { get; init; }
    public bool? ReceptiveFieldNormalisation { get; init; }
    /// <summary>Integrated gradients: points on the path (midpoint rule), default 32.</summary>
    public int? IgSteps { get; init; }
    /// <summary>Integrated gradients' baseline: zero (default), pad or mask (the tokenizer's token embedding).</summary>
    public string? IgBaseline { get; init; }
}
