namespace AttentionLens.Server.Services;

/// <summary>
/// Memory the session keeps beside the models against the server's budget (a long input's per-head
/// attention, <see cref="HeadAttention.Held"/>) and gives up whenever a model or an analysis needs
/// the room: <see cref="ModelCache.TryHold"/> counts it, and reclaims it (oldest first) before any idle
/// model by calling <paramref name="reclaim"/>, which drops the session's reference. Its owner calls
/// <see cref="Release"/> when it lets go first (the analysis left the store).
/// </summary>
public sealed class BudgetHold(long bytes, string description, Action reclaim)
{
    private int released;

    public long Bytes { get; } = bytes;
    public string Description { get; } = description;
    public bool IsReleased => Volatile.Read(ref released) != 0;

    /// <summary>Marks the memory as no longer held (the cache drops it from its books); idempotent.</summary>
    public void Release() => Interlocked.Exchange(ref released, 1);

    /// <summary>The cache takes the memory back: the owner drops its reference, once.</summary>
    internal void Reclaim()
    {
        if (Interlocked.Exchange(ref released, 1) == 0) reclaim();
    }
}
