namespace AttentionLens.Server.Protocol;

/// <summary>The part of LSP <c>initialize</c> params the server reads.</summary>
public sealed record InitializeParams
{
    public int? ProcessId { get; init; }
    public ClientCapabilities? Capabilities { get; init; }
    /// <summary>The <c>attentionLens</c> settings object, as in <c>workspace/didChangeConfiguration</c>.</summary>
    public ServerSettings? InitializationOptions { get; init; }
}

public sealed record ClientCapabilities(WindowClientCapabilities? Window = null);

public sealed record WindowClientCapabilities(bool? WorkDoneProgress = null);

public sealed record InitializeResult(ServerCapabilities Capabilities, ServerInfo ServerInfo);

public sealed record ServerInfo(string Name, string Version);

/// <summary>What the server offers: hover, incremental sync, and our methods under experimental.</summary>
public sealed record ServerCapabilities(bool HoverProvider, TextDocumentSyncOptions TextDocumentSync, ExperimentalCapabilities Experimental);

/// <summary><paramref name="Change"/>: 1 = full, 2 = incremental (LSP TextDocumentSyncKind).</summary>
public sealed record TextDocumentSyncOptions(bool OpenClose, int Change);

public sealed record ExperimentalCapabilities(AttentionLensCapabilities AttentionLens);

/// <summary>Our capability block: protocol version, method names, analysis method names, limits.</summary>
public sealed record AttentionLensCapabilities(int ProtocolVersion, IReadOnlyList<string> Methods, IReadOnlyList<string> AnalysisMethods, int MaxTokens);
