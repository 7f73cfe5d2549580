namespace AttentionLens.Server.Protocol;

/// <summary><c>attentionLens/listModels</c> params (all optional).</summary>
public sealed record ListModelsParams
{
    /// <summary>The editor's workspace folders: checkpoint folders inside them are listed too (source <c>workspace</c>).</summary>
    public IReadOnlyList<string>? WorkspaceFolders { get; init; }
}

public sealed record ListModelsResult(IReadOnlyList<ModelEntry> Models);

/// <summary>
/// One usable model. <paramref name="Source"/> is <c>settings</c>, <c>workspace</c>, <c>huggingFaceCache</c> or
/// <c>bundled</c>; <paramref name="SizeBytes"/> the weight files' size on disk. Sizes come from config.json and the safetensors header without loading weights;
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
    string? Problem = null,
    long? SizeBytes = null);
