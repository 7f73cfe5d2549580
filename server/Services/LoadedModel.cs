using AttentionLens.Models;
using AttentionLens.Tokenizers;

namespace AttentionLens.Server.Services;

/// <summary>A checkpoint in memory: the model, its tokenizer and what it costs against the budget.</summary>
/// <param name="EstimatedBytes">Weights (parameters × 4 bytes for fp32, twice: as loaded and packed for the GEMM) plus the tokenizer's tables.</param>
public sealed record LoadedModel(string Path, ITransformerModel Model, ITokenizer Tokenizer, long EstimatedBytes)
{
    public ModelInfo Info => Model.Info;
}
