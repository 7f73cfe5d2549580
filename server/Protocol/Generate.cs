using System.Text.Json;

namespace AttentionLens.Server.Protocol;

/// <summary><c>attentionLens/generate</c> params: continue <paramref name="Range"/> of an open document
/// with a causal LM. Absent options take the <c>generation</c> settings, then the defaults
/// (greedy, 32 tokens, top-p 1).</summary>
public sealed record GenerateParams
{
    public required TextDocumentIdentifier TextDocument { get; init; }
    public required Range Range { get; init; }
    /// <summary>A model id from listModels, or a checkpoint folder path.</summary>
    public required string Model { get; init; }
    /// <summary>The most tokens to add, 1..4096.</summary>
    public int? MaxNewTokens { get; init; }
    /// <summary>0 = greedy; otherwise sample from softmax(logits / temperature), at most 100.</summary>
    public double? Temperature { get; init; }
    /// <summary>Nucleus mass in (0, 1].</summary>
    public double? TopP { get; init; }
    /// <summary>The sampler's seed (non-negative); absent = drawn, and returned in the result.</summary>
    public long? Seed { get; init; }
    /// <summary>LSP work-done token supplied by the client, used for $/progress.</summary>
    public JsonElement? WorkDoneToken { get; init; }
}

/// <summary>A generated token: <paramref name="Index"/> is its position in the whole sequence (after the
/// prompt's tokens), <paramref name="Text"/> its share of the continuation's text, <paramref name="Probability"/>
/// softmax(logits) of it at temperature 1.</summary>
public sealed record GeneratedTokenDto(int Index, int Id, string Text, double Probability);

/// <summary><c>attentionLens/generate</c> result.</summary>
/// <param name="Prompt">The selection's tokens, as attentionLens/analyze returns them.</param>
/// <param name="Text">The continuation's text: the tokens' texts joined.</param>
/// <param name="StopReason"><c>maxNewTokens</c>, <c>endOfText</c> (the model chose a stop token, not included) or <c>contextFull</c>.</param>
/// <param name="StopToken">The stop token's text, for endOfText.</param>
/// <param name="KeyValueCache">True when each step appended one token to a key/value cache (Llama family, GPT-2); false for a full forward per token.</param>
/// <param name="Seed">The sampler's seed; absent for greedy decoding.</param>
public sealed record GenerateResult(
    ModelDescriptor Model,
    IReadOnlyList<TokenDto> Prompt,
    IReadOnlyList<GeneratedTokenDto> Tokens,
    string Text,
    string StopReason,
    string? StopToken,
    bool KeyValueCache,
    long? Seed,
    IReadOnlyDictionary<string, double> Timings);

/// <summary>The <c>generation</c> settings: defaults of <c>attentionLens/generate</c>.</summary>
public sealed record GenerationSettings
{
    public int? MaxNewTokens { get; init; }
    public double? Temperature { get; init; }
    public double? TopP { get; init; }
}
