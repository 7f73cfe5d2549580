namespace AttentionLens.Server.Services;

/// <summary>
/// Loaded models, least-recently-used first out, within a memory budget. Concurrent requests for
/// one model share one load. A model in use (leased) is never evicted; when an idle model must go
/// to make room it goes, and a model that cannot fit even with every idle one gone is refused
/// with <see cref="MemoryBudgetExceededException"/> instead of growing past the budget.
/// </summary>
public sealed class ModelCache(IModelBackend backend, Func<long> budgetBytes, Action<string>? log = null)
{
    private readonly object gate = new();
    private readonly Dictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private long clock;

    private sealed class Entry(string path, Task<LoadedModel> loading)
    {
        public string Path { get; } = path;
        public Task<LoadedModel> Loading { get; } = loading;
        public long Bytes => Loaded ? Math.Max(1, Loading.Result.EstimatedBytes) : 0;
        public bool Logged { get; set; }
        public int Leases { get; set; }
        public long LastUse { get; set; }
        public bool Loaded => Loading.IsCompletedSuccessfully;
    }

    /// <summary>Sum of the estimated bytes of loaded models.</summary>
    public long CachedBytes
    {
        get { lock (gate) return entries.Values.Where(e => e.Loaded).Sum(e => e.Bytes); }
    }

    public IReadOnlyList<string> LoadedPaths
    {
        get { lock (gate) return entries.Values.Where(e => e.Loaded).OrderByDescending(e => e.LastUse).Select(e => e.Path).ToArray(); }
    }

    public bool IsLoaded(string path)
    {
        lock (gate) return entries.TryGetValue(path, out var e) && e.Loaded;
    }

    /// <summary>Leases the model in <paramref name="path"/>, loading it if needed; dispose the lease when done.</summary>
    public async Task<ModelLease> AcquireAsync(string path, Action<string>? progress, CancellationToken cancellationToken)
    {
        Entry entry;
        lock (gate)
        {
            if (!entries.TryGetValue(path, out entry!))
            {
                progress?.Invoke($"Loading {System.IO.Path.GetFileName(path)}");
                // The load is shared by every waiter, so one waiter's cancellation must not stop it.
                entry = new Entry(path, Task.Run(() => backend.Load(path, CancellationToken.None)));
                entries[path] = entry;
            }
            entry.Leases++;
            entry.LastUse = ++clock;
        }
        LoadedModel model;
        try
        {
            model = await entry.Loading.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            lock (gate)
            {
                entry.Leases--;
                if (entry.Loading.IsFaulted && entries.TryGetValue(path, out var current) && current == entry) entries.Remove(path);
            }
            throw;
        }
        lock (gate)
        {
            if (!entry.Logged)
            {
                entry.Logged = true;
                log?.Invoke($"loaded {path} (~{entry.Bytes / (1024 * 1024.0):F1} MiB)");
            }
            var budget = budgetBytes();
            EvictIdle(budget);
            var total = entries.Values.Where(e => e.Loaded).Sum(e => e.Bytes);
            if (total > budget)
            {
                var inUse = entries.Values.Where(e => e.Loaded && e != entry).Sum(e => e.Bytes);
                entry.Leases--;
                if (entry.Leases == 0) entries.Remove(path);
                throw new MemoryBudgetExceededException(path, entry.Bytes + inUse, budget);
            }
        }
        return new ModelLease(model, () => Release(entry));
    }

    private void Release(Entry entry)
    {
        lock (gate)
        {
            entry.Leases--;
            EvictIdle(budgetBytes());
        }
    }

    /// <summary>Drops idle models, oldest use first, until the loaded ones fit in <paramref name="budget"/>.</summary>
    private void EvictIdle(long budget)
    {
        var total = entries.Values.Where(e => e.Loaded).Sum(e => e.Bytes);
        foreach (var victim in entries.Values.Where(e => e.Loaded && e.Leases == 0).OrderBy(e => e.LastUse).ToList())
        {
            if (total <= budget) break;
            entries.Remove(victim.Path);
            total -= victim.Bytes;
            log?.Invoke($"evicted {victim.Path} (~{victim.Bytes / (1024 * 1024.0):F1} MiB) to stay within the budget");
        }
    }
}
