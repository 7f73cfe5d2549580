using AttentionLens.Analysis;
using AttentionLens.Models;

namespace AttentionLens.Server.Services;

/// <summary>
/// The seam between the server and the core pipeline: load a checkpoint (model + tokenizer),
/// analyse, run a bare forward pass. <see cref="CoreModelBackend"/> is the real one; tests drive
/// the whole server with a fake.
/// </summary>
public interface IModelBackend
{
    /// <summary>
    /// What loading <paramref name="directory"/> will cost, worked out without reading any weight
    /// (config.json, headers, file sizes), so the cache can refuse a model over the budget before it
    /// is loaded; null when it cannot tell (then the model is checked once loaded).
    /// </summary>
    ModelMemoryEstimate? Estimate(string directory) => null;

    /// <summary>Loads the checkpoint in <paramref name="directory"/>; throws AttentionLensException naming the fault.</summary>
    LoadedModel Load(string directory, CancellationToken cancellationToken);

    /// <summary>Runs the forward pass and every requested method; checks the token at least once per layer.</summary>
    AnalysisResult Analyze(LoadedModel model, ForwardInput input, AnalysisOptions options, CancellationToken cancellationToken);

    /// <summary>A forward pass alone (per-head attention for attentionLens/attention).</summary>
    ForwardResult Forward(LoadedModel model, ForwardInput input, CancellationToken cancellationToken);

    /// <summary>Continues <paramref name="promptIds"/> (attentionLens/generate); checks the token once per step and layer.</summary>
    Generation.GenerationResult Generate(LoadedModel model, int[] promptIds, Generation.GenerationOptions options,
        Action<int, Generation.GeneratedToken>? onToken, CancellationToken cancellationToken) =>
        Generation.Generator.Generate(model.Model, promptIds, options, onToken, cancellationToken);
}
