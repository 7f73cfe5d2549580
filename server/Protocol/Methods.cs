namespace AttentionLens.Server.Protocol;

/// <summary>Every JSON-RPC method name the server knows, in one place (LSP's and ours).</summary>
public static class Methods
{
    public const string Initialize = "initialize";
    public const string Initialized = "initialized";
    public const string Shutdown = "shutdown";
    public const string Exit = "exit";
    public const string CancelRequest = "$/cancelRequest";
    public const string Progress = "$/progress";
    public const string SetTrace = "$/setTrace";
    public const string WorkDoneProgressCreate = "window/workDoneProgress/create";
    public const string LogMessage = "window/logMessage";
    public const string ShowMessage = "window/showMessage";
    public const string DidChangeConfiguration = "workspace/didChangeConfiguration";
    public const string DidOpen = "textDocument/didOpen";
    public const string DidChange = "textDocument/didChange";
    public const string DidClose = "textDocument/didClose";
    public const string Hover = "textDocument/hover";

    /// <summary>The prefix of our own methods; LSP reserves <c>$/</c> and its own namespaces.</summary>
    public const string Prefix = "attentionLens/";
    public const string ListModels = Prefix + "listModels";
    public const string Analyze = Prefix + "analyze";
    public const string Attention = Prefix + "attention";
    public const string Compare = Prefix + "compare";
    public const string ServerStats = Prefix + "serverStats";
    public const string Generate = Prefix + "generate";

    /// <summary>The custom methods advertised under <c>capabilities.experimental.attentionLens</c>.</summary>
    public static readonly IReadOnlyList<string> Custom = [ListModels, Analyze, Attention, Compare, ServerStats, Generate];
}
