using AttentionLens.Server.Protocol;

namespace AttentionLens.Server.Lsp;

/// <summary>An error that already knows its JSON-RPC code (protocol faults, invalid params).</summary>
internal sealed class RpcException(int code, string message, ErrorData? data = null) : Exception(message)
{
    public int Code { get; } = code;
    public ErrorData? ErrorData { get; } = data;
}
