namespace AttentionLens.Server.Services;

/// <summary>A model that does not fit in the memory budget.</summary>
public sealed class MemoryBudgetExceededException : AttentionLensException
{
    public MemoryBudgetExceededException(string path, long neededBytes, long budgetBytes)
        : base($"Model '{path}' needs about {neededBytes / (1024 * 1024)} MiB but the memory budget is {budgetBytes / (1024 * 1024)} MiB with the models in use. Raise attentionLens.memoryBudgetMb or wait for running analyses.", path)
    {
    }
}
