using AttentionLens.Analysis;
using AttentionLens.Models;
using AttentionLens.Tokenizers;

namespace AttentionLens.Server.Services;

/// <summary>The real pipeline: TokenizerLoader → ModelLoader → Analyzer.</summary>
public sealed class CoreModelBackend : IModelBackend
{
    // Rough per-entry cost of a vocabulary (string, id, dictionary slot) for the budget estimate.
    private const long BytesPerVocabEntry = 96;

    public LoadedModel Load(string directory, CancellationToken cancellationToken)
    {
        var tokenizer = TokenizerLoader.Load(directory);
        cancellationToken.ThrowIfCancellationRequested();
        var model = ModelLoader.Load(directory);
        var bytes = model.Info.ParameterCount * sizeof(float) + (long)tokenizer.VocabSize * BytesPerVocabEntry;
        return new LoadedModel(directory, model, tokenizer, bytes);
    }

    public AnalysisResult Analyze(LoadedModel model, ForwardInput input, AnalysisOptions options, CancellationToken cancellationToken) =>
        Analyzer.Analyze(model.Model, input, options, cancellationToken);

    public ForwardResult Forward(LoadedModel model, ForwardInput input, CancellationToken cancellationToken) =>
        model.Model.Forward(input, new ForwardOptions { ComputeLogits = false }, cancellationToken);
}
