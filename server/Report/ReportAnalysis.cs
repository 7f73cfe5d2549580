using AttentionLens.Server.Protocol;
using AttentionLens.Analysis;
using AttentionLens.Models;
using AttentionLens.Tokenizers;

namespace AttentionLens.Server.Report;

/// <summary>One model's analysis of one text, as a report shows it.</summary>
/// <param name="Name">Heading, e.g. the model folder's name.</param>
/// <param name="Tokens">The analysed tokens; <see cref="Token.Text"/> is shown (escaped).</param>
/// <param name="Result">The scores of every computed method.</param>
public sealed record ReportAnalysis(string Name, IReadOnlyList<Token> Tokens, AnalysisResult Result)
{
    /// <summary>One sentence on what the model is and what the target explains.</summary>
    public string? Description { get; init; }

    public ModelInfo? Model { get; init; }

    /// <summary>The analysed text.</summary>
    public string? Text { get; init; }

    /// <summary>The model's output at the target in words (class, next token), if known.</summary>
    public string? Prediction { get; init; }

    /// <summary>The explained prediction with token texts resolved (the server's <c>prediction</c>); without it
    /// the report derives it from <see cref="Result"/>, except for LM heads, whose token ids it cannot spell.</summary>
    public PredictionDto? PredictionDetail { get; init; }

    /// <summary>
    /// (L, H, T, T) per-head softmax attention (<see cref="ForwardResult.Attentions"/>), or null. The
    /// HTML report embeds it, when small enough, for the Heads and Layer Graph drawings.
    /// </summary>
    public float[]? Attentions { get; init; }
}
