using AttentionLens.Server.Protocol;

namespace AttentionLens.Server.Services;

/// <summary>The current <c>attentionLens</c> settings, replaced whole on each configuration change
/// and validated when set: an invalid value is refused (<see cref="InvalidParamsException"/>, on the
/// request that set it) and the previous settings stay.</summary>
public sealed class SettingsState
{
    private volatile ServerSettings current;

    public SettingsState(ServerSettings? initial = null)
    {
        Validate(initial);
        current = initial ?? new ServerSettings();
    }

    /// <summary>
    /// The budget when none is set: three quarters of the memory this process may use (physical
    /// memory, or a container's limit), at least 1 GiB. A fixed 2 GiB default refused every model
    /// from 1B parameters up while most machines have far more.
    /// </summary>
    public static int DefaultMemoryBudgetMb { get; } =
        (int)Math.Clamp(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4 * 3 / (1024 * 1024), 1024, int.MaxValue);

    public ServerSettings Current => current;

    public void Replace(ServerSettings? settings)
    {
        Validate(settings);
        current = settings ?? new ServerSettings();
    }

    public long BudgetBytes => (long)(current.MemoryBudgetMb ?? DefaultMemoryBudgetMb) * 1024 * 1024;

    /// <summary>Refuses a memory budget of zero or less (it used to become 2 GiB silently).</summary>
    public static void Validate(ServerSettings? settings)
    {
        if (settings?.MemoryBudgetMb is int mb && mb <= 0)
            throw new InvalidParamsException(
                $"attentionLens.memoryBudgetMb = {mb}: the memory budget must be a positive number of MiB (or unset for {DefaultMemoryBudgetMb} MiB, three quarters of this machine's memory).");
    }
}
