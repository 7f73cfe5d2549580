using AttentionLens.Analysis;
using AttentionLens.Models;
using AttentionLens.Server.Protocol;
using AttentionLens.Server.Services;

namespace AttentionLens.Tests.Server;

/// <summary>
/// The memory budget checked before loading (issue 14: no memory spent before a refusal): a model
/// whose estimate does not fit beside the models in use is refused without being loaded and
/// without evicting anything; one that fits once idle models go evicts them before it loads; loads,
/// evictions and refusals are reported through the cache's log (the server's window/logMessage);
/// budgets of zero or less are refused.
/// </summary>
public sealed class ModelBudgetTests : IDisposable
{
    private const long MiB = 1024 * 1024;
    private readonly FakeCheckpoints checkpoints = new();

    public void Dispose() => checkpoints.Dispose();

    /// <summary><see cref="FakeBackend"/> with an estimate before loading (its Sizes, by folder name).</summary>
    private sealed class EstimatingBackend(FakeBackend inner) : IModelBackend
    {
        public ModelMemoryEstimate? Estimate(string directory) =>
            new(inner.Sizes.TryGetValue(Path.GetFileName(directory), out var b) ? b : MiB, 0, 0, 0);

        public LoadedModel Load(string directory, CancellationToken cancellationToken) => inner.Load(directory, cancellationToken);

        public AnalysisResult Analyze(LoadedModel model, ForwardInput input, AnalysisOptions options, CancellationToken cancellationToken) =>
            inner.Analyze(model, input, options, cancellationToken);

        public ForwardResult Forward(LoadedModel model, ForwardInput input, CancellationToken cancellationToken) => inner.Forward(model, input, cancellationToken);
    }

    [Fact]
    public async Task A_model_over_the_budget_is_refused_before_loading_and_evicts_nothing()
    {
        var fake = new FakeBackend();
        fake.Sizes["idle"] = 30 * MiB;
        fake.Sizes["huge"] = 120 * MiB;
        var log = new List<string>();
        var cache = new ModelCache(new EstimatingBackend(fake), () => 100 * MiB, m => { lock (log) log.Add(m); });
        string idle = checkpoints.Add("idle"), huge = checkpoints.Add("huge");
        (await cache.AcquireAsync(idle, null, default)).Dispose();
        Assert.Equal(1, fake.Loads);

        var e = await Assert.ThrowsAsync<MemoryBudgetExceededException>(() => cache.AcquireAsync(huge, null, default));
        Assert.Equal(1, fake.Loads); // never loaded
        Assert.Equal([idle], cache.LoadedPaths); // the idle model was not evicted for a model that cannot fit anyway
        Assert.Contains("needs about 120 MiB", e.Message);
        Assert.Contains("memory budget is 100 MiB", e.Message);
        Assert.Contains("--memory-budget-mb 120", e.Message);
        Assert.Contains("attentionLens.memoryBudgetMb", e.Message);
        Assert.Contains(log, m => m.StartsWith("refused " + huge + " before loading it", StringComparison.Ordinal));
        Assert.Contains(log, m => m.StartsWith("loading " + idle, StringComparison.Ordinal));
        Assert.Contains(log, m => m.StartsWith("loaded " + idle, StringComparison.Ordinal));
        Assert.DoesNotContain(log, m => m.StartsWith("evicted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Idle_models_are_evicted_before_a_load_that_needs_their_room_and_the_eviction_is_logged()
    {
        var fake = new FakeBackend();
        fake.Sizes["a"] = 60 * MiB;
        fake.Sizes["b"] = 60 * MiB;
        var log = new List<string>();
        var cache = new ModelCache(new EstimatingBackend(fake), () => 100 * MiB, m => { lock (log) log.Add(m); });
        string a = checkpoints.Add("a"), b = checkpoints.Add("b");
        (await cache.AcquireAsync(a, null, default)).Dispose();
        using (await cache.AcquireAsync(b, null, default))
            Assert.Equal([b], cache.LoadedPaths);
        int evicted = log.FindIndex(m => m.StartsWith("evicted " + a, StringComparison.Ordinal));
        int loading = log.FindIndex(m => m.StartsWith("loading " + b, StringComparison.Ordinal));
        Assert.True(evicted >= 0 && loading > evicted, string.Join("\n", log));
        Assert.Contains("to make room for " + b, log[evicted]);
    }

    [Fact]
    public async Task A_model_in_use_is_not_evicted_and_the_newcomer_is_refused_before_loading()
    {
        var fake = new FakeBackend();
        fake.Sizes["a"] = 60 * MiB;
        fake.Sizes["b"] = 60 * MiB;
        var cache = new ModelCache(new EstimatingBackend(fake), () => 100 * MiB);
        string a = checkpoints.Add("a"), b = checkpoints.Add("b");
        using (await cache.AcquireAsync(a, null, default))
        {
            var e = await Assert.ThrowsAsync<MemoryBudgetExceededException>(() => cache.AcquireAsync(b, null, default));
            Assert.Contains("60 MiB of it held by models in use", e.Message);
            Assert.Equal(1, fake.Loads);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Budgets_of_zero_or_less_are_refused_and_the_previous_settings_stay(int mb)
    {
        var settings = new SettingsState(new ServerSettings { MemoryBudgetMb = 300 });
        var e = Assert.Throws<InvalidParamsException>(() => settings.Replace(new ServerSettings { MemoryBudgetMb = mb }));
        Assert.Contains($"settings.memoryBudgetMb {mb} must be a positive number of MiB", e.Message);
        Assert.Equal(300 * MiB, settings.BudgetBytes);
        Assert.Throws<InvalidParamsException>(() => new SettingsState(new ServerSettings { MemoryBudgetMb = mb }));
    }

    [Fact]
    public void The_default_budget_is_a_fraction_of_physical_memory()
    {
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        Assert.Equal((long)SettingsState.DefaultMemoryBudgetMb * MiB, new SettingsState().BudgetBytes);
        Assert.InRange((long)SettingsState.DefaultMemoryBudgetMb * MiB, Math.Min(1024 * MiB, available), Math.Max(1024 * MiB, available));
    }
}
