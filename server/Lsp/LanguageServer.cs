using System.Reflection;
using AttentionLens.Server.Protocol;
using AttentionLens.Server.Services;
using Ctx = AttentionLens.Server.Protocol.ProtocolJsonContext;

namespace AttentionLens.Server.Lsp;

/// <summary>
/// The Attention Lens language server: LSP lifecycle, text synchronisation and hover, and our
/// <c>attentionLens/*</c> methods. Split by capability into partial files; this one holds the
/// lifecycle (initialize → initialized → … → shutdown → exit).
/// </summary>
internal sealed partial class LanguageServer
{
    public const int ProtocolVersion = 1;

    private readonly JsonRpcConnection connection;
    private readonly AnalysisService service;
    private readonly DocumentStore documents;
    private readonly SettingsState settings;
    private readonly Action<string> trace;
    private volatile bool initialized;
    private volatile bool shutdownRequested;
    private volatile bool clientCreatesProgress;
    private int exitCode = -1;

    public LanguageServer(JsonRpcConnection connection, AnalysisService service, DocumentStore documents, SettingsState settings, Action<string> trace)
    {
        this.connection = connection;
        this.service = service;
        this.documents = documents;
        this.settings = settings;
        this.trace = trace;
        connection.RequestGate = Gate;
        connection.OnRequest(Methods.Initialize, Ctx.Default.InitializeParams, Ctx.Default.InitializeResult, Initialize);
        connection.OnNotification(Methods.Initialized, Ctx.Default.JsonElement, _ => { }, () => default);
        connection.OnRequest(Methods.Shutdown, Ctx.Default.JsonElement, Ctx.Default.NullResult, Shutdown, () => default);
        connection.OnNotification(Methods.Exit, Ctx.Default.JsonElement, _ => Exit(), () => default);
        connection.OnNotification(Methods.DidChangeConfiguration, Ctx.Default.DidChangeConfigurationParams, DidChangeConfiguration);
        RegisterTextSync();
        RegisterHover();
        RegisterAttentionLens();
    }

    /// <summary>Serves until <c>exit</c> or the end of input; returns the process exit code (0 only after shutdown).</summary>
    public async Task<int> RunAsync()
    {
        await connection.RunAsync().ConfigureAwait(false);
        return exitCode >= 0 ? exitCode : shutdownRequested ? 0 : 1;
    }

    private ResponseError? Gate(string method)
    {
        if (shutdownRequested)
            return new ResponseError(ErrorCodes.InvalidRequest, $"The server is shutting down; '{method}' is refused after 'shutdown'.");
        if (!initialized && method != Methods.Initialize)
            return new ResponseError(ErrorCodes.ServerNotInitialized, $"'{method}' before 'initialize': send initialize first.");
        return null;
    }

    private Task<InitializeResult?> Initialize(InitializeParams p, CancellationToken ct)
    {
        if (p.InitializationOptions is { } options) settings.Replace(options);
        clientCreatesProgress = p.Capabilities?.Window?.WorkDoneProgress ?? false;
        initialized = true;
        var version = typeof(LanguageServer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";
        var capabilities = new ServerCapabilities(
            HoverProvider: true,
            TextDocumentSync: new TextDocumentSyncOptions(OpenClose: true, Change: 2),
            Experimental: new ExperimentalCapabilities(new AttentionLensCapabilities(
                ProtocolVersion, Methods.Custom, MethodNames.All, settings.Current.MaxTokens ?? AnalysisService.DefaultMaxTokens)));
        return Task.FromResult<InitializeResult?>(new InitializeResult(capabilities, new ServerInfo("attention-lens", version)));
    }

    private Task<NullResult?> Shutdown(System.Text.Json.JsonElement _, CancellationToken ct)
    {
        shutdownRequested = true;
        return Task.FromResult<NullResult?>(null);
    }

    private void Exit()
    {
        exitCode = shutdownRequested ? 0 : 1;
        connection.Stop();
    }

    private void DidChangeConfiguration(DidChangeConfigurationParams p)
    {
        if (p.Settings?.AttentionLens is { } s)
        {
            settings.Replace(s);
            Log(3, $"settings updated: memory budget {settings.BudgetBytes / (1024 * 1024)} MiB, max tokens {s.MaxTokens ?? AnalysisService.DefaultMaxTokens}");
        }
    }

    /// <summary>Sends <c>window/logMessage</c> (1 error, 2 warning, 3 info, 4 log) and mirrors it to stderr.</summary>
    private void Log(int type, string message)
    {
        trace(message);
        if (initialized)
            _ = connection.NotifyAsync(Methods.LogMessage, new LogMessageParams(type, message), Ctx.Default.LogMessageParams);
    }
}
