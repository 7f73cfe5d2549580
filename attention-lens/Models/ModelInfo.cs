namespace AttentionLens.Models;

/// <summary>What a loaded model is, read from its config and weights.</summary>
/// <param name="ModelType">The config's <c>model_type</c> (bert, roberta, distilbert, gpt2, llama…).</param>
/// <param name="Architecture">The config's first <c>architectures</c> entry, or the model type.</param>
/// <param name="Layers">L, the number of transformer blocks.</param>
/// <param name="Heads">H, query heads per layer.</param>
/// <param name="KeyValueHeads">Key/value heads (H for multi-head attention, fewer for GQA).</param>
/// <param name="HiddenSize">C.</param>
/// <param name="HeadDim">D.</param>
/// <param name="VocabSize">V.</param>
/// <param name="ParameterCount">Number of scalar parameters loaded.</param>
/// <param name="IsCausal">True for decoder-only models (attention only to j ≤ i).</param>
/// <param name="HasLmHead">True when <see cref="ForwardResult.Logits"/> is produced.</param>
/// <param name="NumLabels">Classes of a sequence- or token-classification head, 0 when there is none.</param>
/// <param name="MaxPositions">Longest input the position embeddings allow.</param>
public sealed record ModelInfo(
    string ModelType,
    string Architecture,
    int Layers,
    int Heads,
    int KeyValueHeads,
    int HiddenSize,
    int HeadDim,
    int VocabSize,
    long ParameterCount,
    bool IsCausal,
    bool HasLmHead,
    int NumLabels,
    int MaxPositions)
{
    /// <summary>The head on the body; decides what the prediction being explained is.</summary>
    public ModelHead Head { get; init; } = ModelHead.Base;

    /// <summary>Label names by id from the config's <c>id2label</c> (LABEL_i where absent); empty without a classifier.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];
}
