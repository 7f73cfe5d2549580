using AttentionLens.Server.Protocol;
using StreamJsonRpc;

namespace AttentionLens.Server.Lsp;

/// <summary>
/// StreamJsonRpc's cancellation strategy (<c>$/cancelRequest</c>) with one rule added: a request
/// whose id is already in flight is refused with -32600 naming the id. Without it the standard
/// strategy's table throws on the duplicate key, which would reach the client as an internal
/// error. The first request keeps its id, and a cancel for that id still reaches it.
/// </summary>
internal sealed class InFlightIds(ICancellationStrategy inner) : ICancellationStrategy
{
    private readonly Dictionary<RequestId, int> counts = new();

    public void IncomingRequestStarted(RequestId requestId, CancellationTokenSource cancellationTokenSource)
    {
        lock (counts)
        {
            counts.TryGetValue(requestId, out var n);
            counts[requestId] = n + 1;
            if (n > 0)
                throw new RpcException(ErrorCodes.InvalidRequest, $"Invalid request: id {requestId} is already in flight; use a new id for each request.");
        }
        inner.IncomingRequestStarted(requestId, cancellationTokenSource);
    }

    public void IncomingRequestEnded(RequestId requestId)
    {
        lock (counts)
        {
            if (!counts.TryGetValue(requestId, out var n)) return;
            if (n > 1)
            {
                counts[requestId] = n - 1;
                return;
            }
            counts.Remove(requestId);
        }
        inner.IncomingRequestEnded(requestId);
    }

    public void CancelOutboundRequest(RequestId requestId) => inner.CancelOutboundRequest(requestId);

    public void OutboundRequestEnded(RequestId requestId) => inner.OutboundRequestEnded(requestId);
}
