namespace AttentionLens.Models;

/// <summary>
/// How one decoder family names its heads in transformers and which heads it has: the LM head's
/// module (lm_head; GPT-NeoX embed_out) and whether it has a bias (Phi), the token classifier's
/// module (score for Llama-like families, classifier for GPT-2, GPT-NeoX, Phi, Phi-3), and whether
/// <c>*ForSequenceClassification</c>, <c>*ForTokenClassification</c> and <c>*ForQuestionAnswering</c> exist for the family at all.
/// </summary>
public sealed record DecoderHeadNames(
    string LmHead = "lm_head",
    bool LmHeadBias = false,
    string TokenClassifier = "score",
    bool HasTokenClassification = true,
    bool HasQuestionAnswering = false,
    bool HasSequenceClassification = true)
{
    /// <summary>The architecture suffixes this family accepts, for error messages.</summary>
    public string Supported => string.Join(", ", new[]
    {
        "*Model", "*ForCausalLM",
        HasSequenceClassification ? "*ForSequenceClassification" : null,
        HasTokenClassification ? "*ForTokenClassification" : null,
        HasQuestionAnswering ? "*ForQuestionAnswering" : null,
    }.Where(s => s is not null));
}
