using AttentionLens.Analysis;
using AttentionLens.Models;
using AttentionLens.Tokenizers;

namespace AttentionLens.Demo;

/// <summary>One model's analysis in the demo.</summary>
/// <param name="Name">Short name, e.g. "bert-finetuned".</param>
/// <param name="Description">What the model is and what the target position explains.</param>
/// <param name="Model">The loaded model's facts.</param>
/// <param name="Text">The analysed text.</param>
/// <param name="Encoding">Its tokens, with source ranges in <paramref name="Text"/>.</param>
/// <param name="Result">Every method's scores for the target.</param>
/// <param name="Prediction">The model's output at the target in words, or null.</param>
public sealed record DemoAnalysis(
    string Name,
    string Description,
    ModelInfo Model,
    string Text,
    Encoding Encoding,
    AnalysisResult Result,
    string? Prediction)
{
    /// <summary>(L, H, T, T) per-head attention of the forward pass behind <paramref name="Prediction"/>,
    /// kept for the report's Heads and Layer Graph drawings; null when not kept.</summary>
    public float[]? Attentions { get; init; }
}
