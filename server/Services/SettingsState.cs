using AttentionLens.Server.Protocol;

namespace AttentionLens.Server.Services;

/// <summary>
/// The current <c>attentionLens</c> settings, replaced whole on each configuration change.
/// Settings are validated when set: an invalid one is refused with an
/// <see cref="InvalidParamsException"/> naming it, and the previous settings stay in force, so a
/// bad value is reported on the message that set it rather than on every later analysis.
/// </summary>
public sealed class SettingsState
{
    private volatile ServerSettings current;

    public SettingsState(ServerSettings? initial = null)
    {
        Validate(initial, "settings");
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

    /// <summary>Replaces the settings after validating them; <paramref name="source"/> prefixes the field names in errors.</summary>
    public void Replace(ServerSettings? settings, string source = "settings")
    {
        Validate(settings, source);
        current = settings ?? new ServerSettings();
    }

    public long BudgetBytes => (long)(current.MemoryBudgetMb ?? DefaultMemoryBudgetMb) * 1024 * 1024;

    /// <summary>Refuses values no analysis could run with (no silent replacement by defaults).</summary>
    public static void Validate(ServerSettings? s, string source)
    {
        if (s is null) return;
        if (s.MemoryBudgetMb is <= 0 and var mb)
            throw new InvalidParamsException($"{source}.memoryBudgetMb {mb} must be a positive number of MiB; leave it unset for the default ({DefaultMemoryBudgetMb} MiB, three quarters of this machine's memory).");
        if (s.MaxTokens is <= 0 and var t)
            throw new InvalidParamsException($"{source}.maxTokens {t} must be at least 1; leave it unset for the default ({AnalysisService.DefaultMaxTokens}).");
        if (s.MaxConcurrentAnalyses is <= 0 and var c)
            throw new InvalidParamsException($"{source}.maxConcurrentAnalyses {c} must be at least 1; leave it unset for the processor count.");
        if (s.HoverMethod is { } h && !MethodNames.All.Contains(h, StringComparer.OrdinalIgnoreCase))
            throw new InvalidParamsException($"{source}.hoverMethod '{h}' is not one of {string.Join(", ", MethodNames.All)}.");
        if (s.ModelPaths is { } paths)
            for (var i = 0; i < paths.Count; i++)
                if (string.IsNullOrWhiteSpace(paths[i]) || paths[i].Contains('\0'))
                    throw new InvalidParamsException($"{source}.modelPaths[{i}] must be a folder path (got {(paths[i] is null ? "null" : $"'{paths[i].Replace("\0", "\\0")}'")}).");
        if (s.Generation is { } g)
            GenerationService.Check(g.MaxNewTokens ?? GenerationService.DefaultMaxNewTokens, g.Temperature ?? 0, g.TopP ?? 1,
                $"{source}.generation.maxNewTokens", $"{source}.generation.temperature", $"{source}.generation.topP");
        if (s.HuggingFaceCache is { } hf && hf.Contains('\0'))
            throw new InvalidParamsException($"{source}.huggingFaceCache must be a folder path without NUL characters.");
    }
}
