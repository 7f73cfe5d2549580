namespace AttentionLens.Server.Services;

/// <summary>A model that does not fit in the memory budget beside the models in use; says how to raise the budget.</summary>
public sealed class MemoryBudgetExceededException : AttentionLensException
{
    /// <param name="neededBytes">What the model needs (estimated before loading, or measured once loaded).</param>
    /// <param name="inUseBytes">What models in use or being loaded hold (they cannot be evicted).</param>
    /// <param name="detail">How the need was estimated, or null.</param>
    public MemoryBudgetExceededException(string path, long neededBytes, long inUseBytes, long budgetBytes, string? detail)
        : base($"Model '{path}' needs about {Mib(neededBytes)} MiB{(detail is null ? "" : $" ({detail})")} but the memory budget is {Mib(budgetBytes)} MiB" +
               (inUseBytes > 0 ? $", {Mib(inUseBytes)} MiB of it held by models in use" : "") +
               $". Raise the budget to at least {Mib(neededBytes + inUseBytes)} MiB: `--memory-budget-mb {Mib(neededBytes + inUseBytes)}` on the command line (analyze, compare, serve), " +
               "or the attentionLens.memoryBudgetMb setting in the editor" + (inUseBytes > 0 ? "; or wait for running analyses to finish." : "."), path)
    {
        NeededBytes = neededBytes;
        BudgetBytes = budgetBytes;
    }

    public long NeededBytes { get; }

    public long BudgetBytes { get; }

    private static long Mib(long bytes) => (bytes + (1 << 20) - 1) >> 20;
}
