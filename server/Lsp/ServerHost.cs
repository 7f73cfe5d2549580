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
        var registry = new ModelRegistry(() => settings.Current, bundledRoot ?? ModelRegistry.DefaultBundledRoot);
        // Model loads and evictions reach the client as window/logMessage (and stderr).
        var log = new ClientLog(connection, trace);
        var cache = new ModelCache(backend, () => settings.BudgetBytes, log.Info);
        var service = new AnalysisService(backend, registry, cache, new AnalysisStore(), () => settings.Current,
            maxConcurrent ?? initialSettings?.MaxConcurrentAnalyses ?? Environment.ProcessorCount);
        return new LanguageServer(connection, service, new DocumentStore(), settings, log);
    }

    /// <summary>
    /// Starts a throwaway server over in-memory pipes on the thread pool and sends it an
    /// initialize, so that loading StreamJsonRpc and compiling its dispatch path overlap with the
    /// process's own start instead of delaying the client's first answer.
    /// </summary>
    public static void WarmUpInBackground() => ThreadPool.UnsafeQueueUserWorkItem(static _ =>
    {
        try
        {
            var toServer = new Pipe();
            var fromServer = new Pipe();
            var server = Create(toServer.Reader, fromServer.Writer, new CoreModelBackend(), _ => { }, bundledRoot: "/nonexistent", maxConcurrent: 1);
            var run = server.RunAsync();
            // Its client is a StreamJsonRpc connection too, so the sending side is warmed as well.
            // Only initialize: warming more (a document, an analysis) competed with the real start on two cores.
            using (var client = new StreamJsonRpc.JsonRpc(new StreamJsonRpc.HeaderDelimitedMessageHandler(toServer.Writer, fromServer.Reader, new LspMessageFormatter())))
            {
                client.StartListening();
#pragma warning disable IL2026 // serialized through the source-generated resolver
                client.InvokeWithParameterObjectAsync<System.Text.Json.JsonElement?>(Methods.Initialize, new InitializeParams()).Wait(TimeSpan.FromSeconds(5));
#pragma warning restore IL2026
            }
            toServer.Writer.Complete();
            run.Wait(TimeSpan.FromSeconds(5));
        }
        catch (Exception)
        {
            // A warm-up that fails costs nothing but the time it saved.
        }
    }, null);
}
