using AttentionLens.Server.Protocol;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace AttentionLens.Server.Lsp;

/// <summary>
/// StreamJsonRpc's connection with our error mapping: every exception a handler throws becomes a
/// JSON-RPC error through <see cref="ErrorMapper"/> (the one place codes are chosen), and only
/// an exception no mapping knows is an internal error, traced with its stack to stderr.
/// </summary>
internal sealed class LspJsonRpc(IJsonRpcMessageHandler handler, Action<string> trace) : JsonRpc(handler)
{
    protected override JsonRpcError.ErrorDetail CreateErrorDetails(JsonRpcRequest request, Exception exception)
    {
        var error = ErrorMapper.ToResponseError(exception, cancelled: false);
        if (error.Code == ErrorCodes.InternalError) trace($"{request.Method}: {exception}");
        return new JsonRpcError.ErrorDetail { Code = (JsonRpcErrorCode)error.Code, Message = error.Message, Data = error.Data };
    }
}
