namespace AttentionLens.Models;

/// <summary>
/// Which Hugging Face head sits on the transformer body, read from the config's architecture name
/// (<c>*ForCausalLM</c>, <c>*ForMaskedLM</c>, <c>*ForSequenceClassification</c>, …). It decides what
/// "the prediction" of an analysis is and which <see cref="ForwardResult"/> field carries it.
/// </summary>
public enum ModelHead
{
    /// <summary>The bare body (<c>BertModel</c>, <c>GPT2Model</c>…): hidden states only.</summary>
    Base,
    /// <summary>Next-token logits, <see cref="ForwardResult.Logits"/> (T, V).</summary>
    CausalLM,
    /// <summary>Masked-token logits, <see cref="ForwardResult.Logits"/> (T, V).</summary>
    MaskedLM,
    /// <summary>One label for the sequence, <see cref="ForwardResult.ClassifierLogits"/> (NumLabels).</summary>
    SequenceClassification,
    /// <summary>One label per token, <see cref="ForwardResult.TokenClassifierLogits"/> (T, NumLabels).</summary>
    TokenClassification,
    /// <summary>Extractive QA, <see cref="ForwardResult.StartLogits"/> and <see cref="ForwardResult.EndLogits"/> (T each).</summary>
    QuestionAnswering,
}
