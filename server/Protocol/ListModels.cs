namespace AttentionLens.Server.Protocol;

/// <summary><c>attentionLens/listModels</c> params (none are needed).</summary>
public sealed record ListModelsParams;

public sealed record ListModelsResult(IReadOnlyList<ModelEntry> Models);

/// <summary>
/// One usable model. <paramref name="Source"/> is <c>settings</c>, <c>huggingFaceCache</c> or
/// <c>bundled</c>. Sizes come from config.json and the safetensors header without loading weights;
/// a field that could not be read is null and <paramref name="Problem"/> says why.
/// </summary>
public sealed record ModelEntry(
    string Id,
    string Path,
    string Source,
    string? Architecture,
    string? ModelType,
    int? Layers,
    int? Heads,
    long? ParameterCount,
    bool HasTokenizer,
    bool Loaded,
    string? Problem = null);
