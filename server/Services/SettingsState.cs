using AttentionLens.Server.Protocol;

namespace AttentionLens.Server.Services;

/// <summary>The current <c>attentionLens</c> settings, replaced whole on each configuration change.</summary>
public sealed class SettingsState(ServerSettings? initial = null)
{
    public const int DefaultMemoryBudgetMb = 2048;
    private volatile ServerSettings current = initial ?? new ServerSettings();

    public ServerSettings Current => current;

    public void Replace(ServerSettings? settings) => current = settings ?? new ServerSettings();

    public long BudgetBytes => (long)(current.MemoryBudgetMb is > 0 and var mb ? mb : DefaultMemoryBudgetMb) * 1024 * 1024;
}
