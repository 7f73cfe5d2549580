namespace AttentionLens.Server.Protocol;

/// <summary>
/// The <c>attentionLens</c> settings section. Every member is optional; an absent one keeps its
/// default (see docs/protocol.md).
/// </summary>
public sealed record ServerSettings
{
    /// <summary>Extra checkpoint folders (each a model, or a folder of models).</summary>
    public IReadOnlyList<string>? ModelPaths { get; init; }
    /// <summary>Budget for loaded models, in MiB (LRU eviction beyond it).</summary>
    public int? MemoryBudgetMb { get; init; }
    /// <summary>Largest number of tokens one analysis accepts.</summary>
    public int? MaxTokens { get; init; }
    /// <summary>Whether to list models from the Hugging Face cache.</summary>
    public bool? UseHuggingFaceCache { get; init; }
    /// <summary>The Hugging Face hub cache folder; default $HF_HUB_CACHE, $HF_HOME/hub, ~/.cache/huggingface/hub.</summary>
    public string? HuggingFaceCache { get; init; }
    /// <summary>Method whose scores hover shows: influence (default), rollout, flow, attention, valueNorms.</summary>
    public string? HoverMethod { get; init; }
    /// <summary>Analyses allowed to run at once; default the processor count.</summary>
    public int? MaxConcurrentAnalyses { get; init; }
    /// <summary>Defaults of attentionLens/generate (maxNewTokens, temperature, topP).</summary>
    public GenerationSettings? Generation { get; init; }
}

/// <summary><c>workspace/didChangeConfiguration</c> params: <c>{settings: {attentionLens: {...}}}</c>.</summary>
public sealed record DidChangeConfigurationParams(SettingsSection? Settings);

public sealed record SettingsSection(ServerSettings? AttentionLens);
