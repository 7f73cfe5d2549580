namespace AttentionLens.Server.Protocol;

/// <summary>
/// JSON-RPC 2.0 error codes (spec §5.1), the LSP ones (-32800, -32002…), and ours. Ours sit
/// outside -32768..-32000, the range JSON-RPC reserves for the protocol itself.
/// </summary>
public static class ErrorCodes
{
    public const int ParseError = -32700;
    public const int InvalidRequest = -32600;
    public const int MethodNotFound = -32601;
    public const int InvalidParams = -32602;
    public const int InternalError = -32603;

    /// <summary>LSP: a request arrived before <c>initialize</c>.</summary>
    public const int ServerNotInitialized = -32002;
    /// <summary>LSP: the client cancelled the request with <c>$/cancelRequest</c>.</summary>
    public const int RequestCancelled = -32800;

    /// <summary>The model path or id does not exist.</summary>
    public const int ModelNotFound = 1001;
    /// <summary>The path exists but is not a checkpoint the loaders can read.</summary>
    public const int NotAModel = 1002;
    /// <summary>The selection tokenizes to more tokens than the cap allows.</summary>
    public const int TooManyTokens = 1003;
    /// <summary>An <c>analysisId</c> that the server does not (or no longer) keep.</summary>
    public const int AnalysisNotFound = 1004;
    /// <summary>A request names a document that was never opened with <c>didOpen</c>.</summary>
    public const int DocumentNotOpen = 1005;
    /// <summary>A model does not fit in the memory budget even after evicting every idle model.</summary>
    public const int MemoryBudgetExceeded = 1006;
    /// <summary>Any other input the core refused (its message names the field and the fault).</summary>
    public const int InvalidInput = 1007;
    /// <summary>Part of the pipeline this build does not have yet.</summary>
    public const int NotAvailable = 1008;
}
