using System.Reflection;
using AttentionLens.Server.Protocol;
using AttentionLens.Server.Services;

namespace AttentionLens.Server.Lsp;

/// <summary>
/// The Attention Lens language server: LSP lifecycle, text synchronisation and hover, and our
/// <c>attentionLens/*</c> methods. Split by capability into partial files; this one holds the
/// lifecycle (initialize → initialized → … → shutdown → exit).
/// </summary>
internal sealed partial class LanguageServer
{
    public const int ProtocolVersion = 1;

    /// <summary>Exit code after a protocol fault that ended the connection (docs/protocol.md, Transport).</summary>
    public const int ProtocolFaultExitCode = 2;

    private readonly LspConnection connection;
    private readonly AnalysisService service;
    private readonly DocumentStore documents;
    private readonly SettingsState settings;
    private readonly ClientLog log;
    private volatile bool initialized;
    private volatile bool shutdownRequested;
    private volatile bool clientCreatesProgress;
    private int exitCode = -1;

    public LanguageServer(LspConnection connection, AnalysisService service, DocumentStore documents, SettingsState settings, ClientLog log)
    {
        this.connection = connection;
        this.service = service;
        this.documents = documents;
        this.settings = settings;
        this.log = log;
        connection.RequestGate = Gate;
        connection.OnRequest(Methods.Initialize, c => c.InitializeParams, Initialize);
        connection.OnNotification(Methods.Initialized, c => c.JsonElement, _ => log.Open(), () => default);
        connection.OnRequest(Methods.Shutdown, c => c.JsonElement, Shutdown, () => default);
        connection.OnNotification(Methods.Exit, c => c.JsonElement, _ => Exit(), () => default);
        connection.OnNotification(Methods.DidChangeConfiguration, c => c.DidChangeConfigurationParams, DidChangeConfiguration);
        RegisterTextSync();
        RegisterHover();
        RegisterAttentionLens();
        RegisterGenerate();
    }

    /// <summary>
    /// Serves until <c>exit</c>, the end of input, or a protocol fault that ended the connection;
    /// returns the process exit code: 0 only after shutdown, 1 without it, 2 after a fault.
    /// </summary>
    public async Task<int> RunAsync()
    {
        var fault = await connection.RunAsync().ConfigureAwait(false);
        if (fault is not null && exitCode < 0)
        {
            log.Trace($"protocol error, connection closed: {fault} The server exits with code {ProtocolFaultExitCode}; the client restarts it.");
            return ProtocolFaultExitCode;
        }
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
        if (p.InitializationOptions is { } options) settings.Replace(options, "initializationOptions");
        clientCreatesProgress = p.Capabilities?.Window?.WorkDoneProgress ?? false;
        initialized = true;
        log.Open();
        var version = typeof(LanguageServer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";
        var capabilities = new ServerCapabilities(
            HoverProvider: true,
            TextDocumentSync: new TextDocumentSyncOptions(OpenClose: true, Change: 2),
            Experimental: new ExperimentalCapabilities(new AttentionLensCapabilities(
                ProtocolVersion, Methods.Custom, MethodNames.All, settings.Current.MaxTokens ?? AnalysisService.DefaultMaxTokens)));
        StartupTrace.Mark("initialize handled");
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
        if (p.Settings?.AttentionLens is not { } s) return;
        try
        {
            settings.Replace(s, "settings.attentionLens");
            log.Info($"settings updated: memory budget {settings.BudgetBytes / (1024 * 1024)} MiB, max tokens {s.MaxTokens ?? AnalysisService.DefaultMaxTokens}");
        }
        catch (InvalidParamsException e)
        {
            // A notification has no response: the refusal is shown to the user instead.
            ShowError($"Settings refused, the previous ones stay in force: {e.Message}");
        }
    }

    /// <summary>An error the user must see (window/showMessage), also logged.</summary>
    private void ShowError(string message)
    {
        log.Error(message);
        if (initialized) _ = connection.NotifyAsync(Methods.ShowMessage, new LogMessageParams(1, message));
    }
}
