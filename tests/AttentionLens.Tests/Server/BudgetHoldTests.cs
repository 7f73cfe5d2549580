using AttentionLens.Server.Services;

namespace AttentionLens.Tests.Server;

/// <summary>Memory kept beside the models (<see cref="BudgetHold"/>) in the model cache's books: accepted
/// only where it fits beside the models and the analyses running (<see cref="ModelCache.MakeRoom"/>), given
/// back oldest first and before any idle model, never counted once released, and never letting models
/// and holds together exceed the budget.</summary>
public class BudgetHoldTests : IDisposable
{
    private const long MiB = 1024 * 1024;
    private readonly FakeCheckpoints checkpoints = new();

    public void Dispose() => checkpoints.Dispose();

    [Fact]
    public async Task HoldsFitBesideTheModels_AndGoOldestFirstBeforeAnyIdleModel()
    {
        var backend = new FakeBackend();
        backend.Sizes["a"] = 40 * MiB;
        backend.Sizes["b"] = 30 * MiB;
        var log = new List<string>();
        var cache = new ModelCache(backend, () => 100 * MiB, m => { lock (log) log.Add(m); });
        string a = checkpoints.Add("a"), b = checkpoints.Add("b");
        (await cache.AcquireAsync(a, null, default)).Dispose();

        var reclaimed = new List<string>();
        BudgetHold Hold(string name, long mib) => new(mib * MiB, name, () => reclaimed.Add(name));
        Assert.False(cache.TryHold(Hold("too big", 61)));
        Assert.Empty(reclaimed);
        var first = Hold("first", 20);
        Assert.True(cache.TryHold(first));
        Assert.True(cache.TryHold(Hold("second", 20)));
        Assert.Equal(40 * MiB, cache.HeldBytes);
        // A third hold of 30 MiB fits only once the oldest is gone.
        Assert.True(cache.TryHold(Hold("third", 30)));
        Assert.Equal(["first"], reclaimed);
        Assert.True(first.IsReleased);
        Assert.Equal(50 * MiB, cache.HeldBytes);

        // Model b (30 MiB) needs room: holds go, oldest first, and the idle model a stays.
        using (await cache.AcquireAsync(b, null, default))
        {
            Assert.Equal(["first", "second"], reclaimed);
            Assert.Equal(30 * MiB, cache.HeldBytes);
            Assert.Equal(2, cache.LoadedPaths.Count);
            Assert.True(cache.CachedBytes + cache.HeldBytes <= 100 * MiB);
        }
        Assert.Contains(log, m => m.Contains("dropped second", StringComparison.Ordinal) && m.Contains("to make room for", StringComparison.Ordinal));

        // An analysis about to run makes room, and no hold takes that room while it runs.
        using (cache.MakeRoom(25 * MiB, "an analysis"))
        {
            Assert.Equal(["first", "second", "third"], reclaimed);
            Assert.False(cache.TryHold(Hold("while it runs", 10)));
            Assert.True(cache.TryHold(Hold("small", 5)));
        }
        Assert.Equal(5 * MiB, cache.HeldBytes);
        cache.MakeRoom(30 * MiB, "another analysis").Dispose();
        Assert.Equal(["first", "second", "third", "small"], reclaimed);
        // A hold its owner released leaves the books without a reclaim.
        var fourth = Hold("fourth", 10);
        Assert.True(cache.TryHold(fourth));
        fourth.Release();
        Assert.Equal(0, cache.HeldBytes);
        Assert.Equal(4, reclaimed.Count);
    }
}
