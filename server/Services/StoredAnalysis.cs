using AttentionLens.Analysis;
using AttentionLens.Models;
using AttentionLens.Server.Protocol;
using AttentionLens.Tokenizers;

namespace AttentionLens.Server.Services;

/// <summary>An analysis the server keeps for hover and attentionLens/attention.</summary>
/// <param name="TokenOffsets">Per token, [start, end) offsets in the document text.</param>
/// <param name="Text">The analysed text (the selection); token sources are offsets into it.</param>
/// <param name="SelectionStart">Offset of <paramref name="Text"/> in the document.</param>
/// <param name="DocumentVersion">The document version analysed; hover only answers while it is current.</param>
public sealed record StoredAnalysis(
    string Id,
    string Uri,
    int DocumentVersion,
    string ModelPath,
    string ModelId,
    ForwardInput Input,
    IReadOnlyList<TokenDto> Tokens,
    IReadOnlyList<(int Start, int End)> TokenOffsets,
    IReadOnlyList<Token> SourceTokens,
    string Text,
    int SelectionStart,
    AnalysisResult Result,
    AnalysisOptions Options)
{
    /// <summary>Per-head attention kept from the analysis's forward pass, or null (too large, or the backend gave none).</summary>
    public HeadAttention? Attention { get; init; }

    /// <summary>The explained prediction as the client received it (token texts resolved), for hover.</summary>
    public PredictionDto? Prediction { get; init; }
}
