namespace AttentionLens.Server.Protocol;

/// <summary><c>attentionLens/serverStats</c> result: memory and cache state, for clients and tests.
/// <see cref="KeptAttentionBytes"/>: long inputs' per-head attention the session keeps against the budget,
/// beside <see cref="CachedModelBytes"/>.</summary>
public sealed record ServerStatsResult(
    long RssBytes,
    long PeakRssBytes,
    long ManagedBytes,
    long BudgetBytes,
    long CachedModelBytes,
    IReadOnlyList<string> LoadedModels,
    int StoredAnalyses,
    int ActiveRequests,
    long KeptAttentionBytes);

public sealed record ServerStatsParams;
