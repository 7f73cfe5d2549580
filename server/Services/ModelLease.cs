namespace AttentionLens.Server.Services;

/// <summary>A model held for one request; while any lease is open the cache does not evict it.</summary>
public sealed class ModelLease(LoadedModel model, Action release) : IDisposable
{
    private int disposed;

    public LoadedModel Model { get; } = model;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0) release();
    }
}
