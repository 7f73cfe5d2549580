using System.IO.Pipelines;
using AttentionLens.Server.Protocol;
using AttentionLens.Server.Services;

namespace AttentionLens.Server.Lsp;

/// <summary>Builds the server's object graph over a pair of pipes (stdio in production, in-memory in tests).</summary>
internal static class ServerHost
{
    public static LanguageServer Create(PipeReader input, PipeWriter output, IModelBackend backend, Action<string> trace,
        ServerSettings? initialSettings = null, string? bundledRoot = null, int? maxConcurrent = null)
    {
        var settings = new SettingsState(initialSettings);
        var connection = new LspConnection(input, output, trace);
        StartupTrace.Mark("connection built");
        var registry = new ModelRegistry(() => settings.Current, bundledRoot ?? ModelRegistry.DefaultBundledRoot);
        // Model loads and evictions reach the client as window/logMessage (and stderr).
        var log = new ClientLog(connection, trace);
        var cache = new ModelCache(backend, () => settings.BudgetBytes, log.Info);
        var service = new AnalysisService(backend, registry, cache, new AnalysisStore(), () => settings.Current,
            maxConcurrent ?? initialSettings?.MaxConcurrentAnalyses ?? Environment.ProcessorCount);
        return new LanguageServer(connection, service, new DocumentStore(), settings, log);
    }
}
