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
        if (RandomModelSpec.IsRandom(directory)) return LoadRandom(RandomModelSpec.Parse(directory));
        if (!CheckpointSummary.HasTokenizerFiles(directory))
            throw new NotAModelException(directory, CheckpointSummary.Expected, "No tokenizer file (tokenizer.json, vocab.txt, vocab.json + merges.txt, tokenizer.model) was found.");
        ITokenizer tokenizer;
        ITransformerModel model;
        try
        {
            tokenizer = TokenizerLoader.Load(directory);
            cancellationToken.ThrowIfCancellationRequested();
            model = ModelLoader.Load(directory);
        }
        catch (AttentionLensException e) when (e is not NotAModelException)
        {
            // The loaders name the file and the fault; the client also needs the model folder.
            throw new NotAModelException(directory, CheckpointSummary.Expected, e.Message, e);
        }
        // The same figure the budget was checked with before loading, so the cache's books balance.
        return new LoadedModel(directory, model, tokenizer, Estimate(directory)?.TotalBytes ?? EstimateBytes(model, tokenizer));
    }

    /// <summary>See <see cref="ModelMemoryEstimate"/>; null for random models and folders whose
    /// config or headers cannot be read (the load then reports the fault).</summary>
    public ModelMemoryEstimate? Estimate(string directory)
    {
        if (RandomModelSpec.IsRandom(directory)) return null;
        try
        {
            return ModelMemoryEstimate.ForCheckpoint(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }

    public AnalysisResult Analyze(LoadedModel model, ForwardInput input, AnalysisOptions options, CancellationToken cancellationToken)
    {
        try
        {
            return Analyzer.Analyze(model.Model, input, options, cancellationToken);
        }
        catch (NonFiniteActivationException e)
        {
            throw e.ForModel(model.Path); // the core names the layer; the folder is known here
        }
    }

    public ForwardResult Forward(LoadedModel model, ForwardInput input, CancellationToken cancellationToken)
    {
        try
        {
            // Per-head attention past the analysis's float32 limit (a long input) is kept in half precision per layer.
            var info = model.Model.Info;
            bool large = 4L * info.Layers * info.Heads * input.Length * input.Length > new AnalysisOptions().PerHeadAttentionLimitBytes;
            return model.Model.Forward(input, new ForwardOptions { ComputeLogits = false, AttentionStorage = large ? AttentionStorage.Float16 : AttentionStorage.Float32 }, cancellationToken);
        }
        catch (NonFiniteActivationException e)
        {
            throw e.ForModel(model.Path);
        }
    }

    private static LoadedModel LoadRandom(RandomModelSpec spec)
    {
        var tokenizer = TokenizerLoader.Load(spec.TokenizerDirectory);
        var model = ModelPresets.CreateRandom(spec.Preset, spec.Seed);
        return new LoadedModel(spec.ToString(), model, tokenizer, EstimateBytes(model, tokenizer));
    }

    /// <summary>
    /// For random models (no files to estimate from): fp32 weights twice — as made and the packed
    /// copy the GEMM keeps of each weight matrix — plus the tokenizer's tables; errs high.
    /// </summary>
    private static long EstimateBytes(ITransformerModel model, ITokenizer tokenizer) =>
        2 * model.Info.ParameterCount * sizeof(float) + (long)tokenizer.VocabSize * BytesPerVocabEntry;
}
