using System.Diagnostics;

namespace AttentionLens.Server.Services;

/// <summary>
/// Loaded models, least-recently-used first out, within a memory budget. Concurrent requests for
/// one model share one load. A model in use (leased) or being loaded is never evicted. Before a
/// load starts, the backend's estimate (<see cref="IModelBackend.Estimate"/>: config.json and file
/// headers, no weights read) is checked against the budget: a model that cannot fit even with
/// every idle one gone is refused with <see cref="MemoryBudgetExceededException"/> before any of
/// its weights is mapped, and nothing is evicted for it; otherwise idle models go, oldest use
/// first, until it fits, and the load is reserved its estimate while it runs. Loads, evictions and
/// refusals are reported through <c>log</c> (the server sends them as <c>window/logMessage</c>).
/// Memory the session keeps beside the models (a long input's per-head attention, <see cref="BudgetHold"/>)
/// counts against the same budget: it is accepted only where it fits beside the models, and given
/// back, oldest first and before any idle model, when a model or an analysis needs the room.
/// </summary>
public sealed class ModelCache(IModelBackend backend, Func<long> budgetBytes, Action<string>? log = null)
{
    private readonly object gate = new();
    private readonly Dictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly List<BudgetHold> holds = [];
    // Bytes analyses now running have been given room for (MakeRoom): holds are counted beside them.
    private long running;
    private long clock;

    private sealed class Entry(string path, long reserved)
    {
        public string Path { get; } = path;
        public Task<LoadedModel> Loading { get; set; } = null!;
        /// <summary>Bytes held against the budget: the estimate while loading, then the loaded model's own figure.</summary>
        public long Bytes => Loaded ? Math.Max(1, Loading.Result.EstimatedBytes) : reserved;
        public int Leases { get; set; }
        public long LastUse { get; set; }
        public bool Loaded => Loading.IsCompletedSuccessfully;
    }

    /// <summary>Sum of the estimated bytes of loaded models.</summary>
    public long CachedBytes
    {
        get { lock (gate) return entries.Values.Where(e => e.Loaded).Sum(e => e.Bytes); }
    }

    /// <summary>Bytes the session holds beside the models (<see cref="TryHold"/>).</summary>
    public long HeldBytes
    {
        get { lock (gate) return Held(); }
    }

    /// <summary>
    /// Counts <paramref name="hold"/> against the budget when it fits beside every model held or being
    /// loaded, giving back older holds if it must; otherwise takes nothing back and returns false
    /// (the owner then keeps nothing).
    /// </summary>
    public bool TryHold(BudgetHold hold)
    {
        ArgumentNullException.ThrowIfNull(hold);
        lock (gate)
        {
            var budget = budgetBytes();
            var models = entries.Values.Sum(e => e.Bytes);
            if (models + running + hold.Bytes > budget)
            {
                log?.Invoke($"not keeping {hold.Description} (~{Mib(hold.Bytes)} MiB): with the models' ~{Mib(models)} MiB{(running > 0 ? $" and ~{Mib(running)} MiB of analyses running" : "")} it exceeds the budget of {Mib(budget)} MiB");
                return false;
            }
            ReclaimHolds(budget - hold.Bytes, hold.Description);
            holds.Add(hold);
            log?.Invoke($"keeping {hold.Description} (~{Mib(hold.Bytes)} MiB against the budget)");
            return true;
        }
    }

    /// <summary>Gives back held memory, oldest first, until the models, the holds and <paramref name="bytes"/>
    /// more (an analysis about to run) fit the budget, and counts those bytes beside any later hold until
    /// the returned reservation is disposed (when the analysis ends); models are not evicted for it.</summary>
    public IDisposable MakeRoom(long bytes, string forWhat)
    {
        bytes = Math.Max(0, bytes);
        lock (gate)
        {
            ReclaimHolds(budgetBytes() - bytes, forWhat);
            running += bytes;
        }
        return new Room(this, bytes);
    }

    private sealed class Room(ModelCache cache, long bytes) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) != 0) return;
            lock (cache.gate) cache.running -= bytes;
        }
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
        bool known;
        lock (gate) known = entries.ContainsKey(path);
        // Reads config.json and headers only; outside the lock (file I/O), and skipped for a model already here.
        var estimate = known ? null : backend.Estimate(path);
        Entry entry;
        lock (gate)
        {
            if (!entries.TryGetValue(path, out entry!))
            {
                entry = Reserve(path, estimate);
                progress?.Invoke($"Loading {System.IO.Path.GetFileName(path)}");
                var started = Stopwatch.GetTimestamp();
                // The load is shared by every waiter, so one waiter's cancellation must not stop it.
                entry.Loading = Task.Run(() =>
                {
                    var model = backend.Load(path, CancellationToken.None);
                    log?.Invoke($"loaded {path} in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s (~{Mib(Math.Max(1, model.EstimatedBytes))} MiB against the budget)");
                    return model;
                });
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
            var budget = budgetBytes();
            // A backend without an estimate (or one that came out low) is checked again now; a model
            // that cannot fit even with every idle one gone is refused without evicting any.
            var pinned = entries.Values.Where(e => e != entry && (e.Leases > 0 || !e.Loaded)).Sum(e => e.Bytes);
            if (entry.Bytes + pinned > budget)
            {
                entry.Leases--;
                if (entry.Leases == 0) entries.Remove(path);
                var refused = new MemoryBudgetExceededException(path, entry.Bytes, pinned, budget, null);
                log?.Invoke($"refused {path}: {refused.Message}");
                throw refused;
            }
            EvictIdle(budget, path);
        }
        return new ModelLease(model, () => Release(entry));
    }

    /// <summary>Checks <paramref name="estimate"/> against the budget before anything is loaded,
    /// evicts idle models to make room, and returns the new entry (not yet in the table).</summary>
    private Entry Reserve(string path, ModelMemoryEstimate? estimate)
    {
        long need = estimate?.TotalBytes ?? 0;
        if (estimate is null)
        {
            log?.Invoke($"loading {path} (no estimate before loading: checked against the budget once loaded)");
            return new Entry(path, 0);
        }
        var budget = budgetBytes();
        var pinned = entries.Values.Where(e => e.Leases > 0 || !e.Loaded).Sum(e => e.Bytes);
        if (need + pinned > budget)
        {
            var refused = new MemoryBudgetExceededException(path, need, pinned, budget, estimate.Describe());
            log?.Invoke($"refused {path} before loading it: {refused.Message}");
            throw refused;
        }
        EvictIdle(budget - need, path);
        log?.Invoke($"loading {path}: estimated {estimate.Describe()}; budget {Mib(budget)} MiB");
        return new Entry(path, need);
    }

    private void Release(Entry entry)
    {
        lock (gate)
        {
            entry.Leases--;
            EvictIdle(budgetBytes(), null);
        }
    }

    /// <summary>Bytes of the holds not yet released (released ones leave the books here).</summary>
    private long Held()
    {
        holds.RemoveAll(h => h.IsReleased);
        return holds.Sum(h => h.Bytes);
    }

    /// <summary>Gives back holds, oldest first, until models, holds and running analyses fit in
    /// <paramref name="budget"/>; returns the bytes of models and holds then.</summary>
    private long ReclaimHolds(long budget, string? forWhat)
    {
        var total = entries.Values.Sum(e => e.Bytes) + Held() + running;
        bool reclaimed = false;
        while (total > budget && holds.Count > 0)
        {
            var oldest = holds[0];
            holds.RemoveAt(0);
            total -= oldest.Bytes;
            oldest.Reclaim();
            log?.Invoke($"dropped {oldest.Description} (~{Mib(oldest.Bytes)} MiB) {(forWhat is null ? "to stay within the budget" : "to make room for " + forWhat)}; it is recomputed when asked for");
            reclaimed = true;
        }
        // A hold is hundreds of MB to GBs of large-object heap, which only a full collection frees; the
        // GC would wait for memory pressure of the machine, not of our budget, so the room the books now
        // show is made real at once (a background collection: this call does not wait for it).
        if (reclaimed) GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: false);
        return total - running;
    }

    /// <summary>Gives back held memory, then drops idle models, oldest use first, until everything held fits in <paramref name="budget"/>.</summary>
    private void EvictIdle(long budget, string? forPath)
    {
        var total = ReclaimHolds(budget, forPath);
        foreach (var victim in entries.Values.Where(e => e.Loaded && e.Leases == 0 && e.Path != forPath).OrderBy(e => e.LastUse).ToList())
        {
            if (total <= budget) break;
            entries.Remove(victim.Path);
            total -= victim.Bytes;
            log?.Invoke($"evicted {victim.Path} (~{Mib(victim.Bytes)} MiB) {(forPath is null ? "to stay within the budget" : "to make room for " + forPath)}");
        }
    }

    private static long Mib(long bytes) => (bytes + (1 << 19)) >> 20;
}
