namespace AttentionLens.Server.Protocol;

/// <summary><c>attentionLens/serverStats</c> result: memory and cache state, for clients and tests.</summary>
public sealed record ServerStatsResult(
    long RssBytes,
    long PeakRssBytes,
    long ManagedBytes,
    long BudgetBytes,
    long CachedModelBytes,
    IReadOnlyList<string> LoadedModels,
    int StoredAnalyses,
    int ActiveRequests);

public sealed record ServerStatsParams;
