using AttentionLens.Server.Services;

namespace AttentionLens.Tests.Server;

/// <summary>The LRU model cache: eviction order, leases that pin a model, refusal past the budget, shared loads.</summary>
public class ModelCacheTests : IDisposable
{
    private const long MiB = 1024 * 1024;
    private readonly FakeCheckpoints checkpoints = new();

    public void Dispose() => checkpoints.Dispose();

    [Fact]
    public async Task EvictsTheLeastRecentlyUsedIdleModelToStayWithinTheBudget()
    {
        var backend = new FakeBackend();
        backend.Sizes["a"] = 40 * MiB;
        backend.Sizes["b"] = 40 * MiB;
        backend.Sizes["c"] = 40 * MiB;
        var cache = new ModelCache(backend, () => 100 * MiB);
        string a = checkpoints.Add("a"), b = checkpoints.Add("b"), c = checkpoints.Add("c");
        (await cache.AcquireAsync(a, null, default)).Dispose();
        (await cache.AcquireAsync(b, null, default)).Dispose();
        (await cache.AcquireAsync(a, null, default)).Dispose(); // a is now more recent than b
        (await cache.AcquireAsync(c, null, default)).Dispose();
        Assert.Equal([c, a], cache.LoadedPaths);
        Assert.Equal(80 * MiB, cache.CachedBytes);
        Assert.Equal(3, backend.Loads);
    }

    [Fact]
    public async Task AModelInUseIsNotEvicted_AndOneThatCannotFitIsRefused()
    {
        var backend = new FakeBackend();
        backend.Sizes["a"] = 60 * MiB;
        backend.Sizes["b"] = 60 * MiB;
        var cache = new ModelCache(backend, () => 100 * MiB);
        string a = checkpoints.Add("a"), b = checkpoints.Add("b");
        using (await cache.AcquireAsync(a, null, default))
        {
            var e = await Assert.ThrowsAsync<MemoryBudgetExceededException>(() => cache.AcquireAsync(b, null, default));
            Assert.Contains("memory budget is 100 MiB", e.Message);
            Assert.Equal([a], cache.LoadedPaths);
        }
        using (await cache.AcquireAsync(b, null, default))
            Assert.Equal([b], cache.LoadedPaths);
    }

    [Fact]
    public async Task ConcurrentRequestsForOneModelShareOneLoad()
    {
        var backend = new FakeBackend();
        var cache = new ModelCache(backend, () => 100 * MiB);
        var a = checkpoints.Add("a");
        var leases = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => cache.AcquireAsync(a, null, default)));
        foreach (var lease in leases) lease.Dispose();
        Assert.Equal(1, backend.Loads);
    }
}
