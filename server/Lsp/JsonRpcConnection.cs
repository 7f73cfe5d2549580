using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AttentionLens.Server.Protocol;

namespace AttentionLens.Server.Lsp;

/// <summary>
/// JSON-RPC 2.0 over LSP framing, batch-free. Requests run concurrently, each with its own
/// cancellation (<c>$/cancelRequest</c> → -32800); notifications run in arrival order on the read
/// loop, so text synchronisation stays ordered. Any malformed input is answered per JSON-RPC and
/// the loop goes on.
/// </summary>
internal sealed class JsonRpcConnection
{
    private delegate Task<byte[]> RequestHandler(JsonElement id, JsonElement? parameters, CancellationToken cancellationToken);
    private delegate void NotificationHandler(JsonElement? parameters);

    private readonly FrameReader reader;
    private readonly FrameWriter writer;
    private readonly Action<string> trace;
    private readonly Dictionary<string, RequestHandler> requests = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NotificationHandler> notifications = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CancellationTokenSource> inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonElement?>> outgoing = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, byte> running = new();
    private readonly CancellationTokenSource lifetime = new();
    private long nextOutgoingId;

    public JsonRpcConnection(PipeReader input, PipeWriter output, Action<string> trace, int maxContentLength = FrameReader.DefaultMaxContentLength)
    {
        reader = new FrameReader(input, maxContentLength);
        writer = new FrameWriter(output);
        this.trace = trace;
    }

    /// <summary>Consulted before each request; a non-null error answers it instead of the handler (LSP lifecycle).</summary>
    public Func<string, ResponseError?>? RequestGate { get; set; }

    /// <summary>Requests being handled now.</summary>
    public int ActiveRequests => inFlight.Count;

    public void OnRequest<TParams, TResult>(string method, JsonTypeInfo<TParams> paramsType, JsonTypeInfo<TResult> resultType,
        Func<TParams, CancellationToken, Task<TResult?>> handler, Func<TParams>? whenAbsent = null)
    {
        requests[method] = async (id, parameters, ct) =>
        {
            var p = Deserialize(method, parameters, paramsType, whenAbsent);
            var result = await handler(p, ct).ConfigureAwait(false);
            return MessageSerializer.Response(id, result, resultType);
        };
    }

    public void OnNotification<TParams>(string method, JsonTypeInfo<TParams> paramsType, Action<TParams> handler, Func<TParams>? whenAbsent = null) =>
        notifications[method] = parameters => handler(Deserialize(method, parameters, paramsType, whenAbsent));

    /// <summary>Sends a server→client request and waits for its response.</summary>
    public async Task<JsonElement?> SendRequestAsync<TParams>(string method, TParams parameters, JsonTypeInfo<TParams> type, CancellationToken cancellationToken)
    {
        var id = JsonSerializer.SerializeToElement("al-" + Interlocked.Increment(ref nextOutgoingId), ProtocolJsonContext.Default.String);
        var pending = new TaskCompletionSource<JsonElement?>(TaskCreationOptions.RunContinuationsAsynchronously);
        outgoing[id.GetRawText()] = pending;
        using var registration = cancellationToken.Register(() => pending.TrySetCanceled(cancellationToken));
        try
        {
            await writer.WriteAsync(MessageSerializer.Request(id, method, parameters, type), cancellationToken).ConfigureAwait(false);
            return await pending.Task.ConfigureAwait(false);
        }
        finally
        {
            outgoing.TryRemove(id.GetRawText(), out _);
        }
    }

    public Task NotifyAsync<TParams>(string method, TParams parameters, JsonTypeInfo<TParams> type) =>
        writer.WriteAsync(MessageSerializer.Notification(method, parameters, type));

    /// <summary>Ends <see cref="RunAsync"/> (after <c>exit</c>).</summary>
    public void Stop() => lifetime.Cancel();

    /// <summary>Reads and dispatches until the input ends or <see cref="Stop"/> is called.</summary>
    public async Task RunAsync()
    {
        try
        {
            while (!lifetime.IsCancellationRequested)
            {
                var frame = await reader.ReadAsync(lifetime.Token).ConfigureAwait(false);
                if (frame.Kind == FrameKind.End)
                {
                    if (frame.Fault is not null) trace("input: " + frame.Fault);
                    break;
                }
                if (frame.Kind == FrameKind.Fault)
                {
                    trace("framing: " + frame.Fault);
                    await writer.WriteAsync(MessageSerializer.Error(null, new ResponseError(ErrorCodes.ParseError, "Parse error: " + frame.Fault))).ConfigureAwait(false);
                    continue;
                }
                await DispatchAsync(frame.Body!).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
        {
            // The client closed the streams: nothing is left to answer.
            trace("transport closed: " + e.Message);
        }
        foreach (var cts in inFlight.Values) cts.Cancel();
        foreach (var pending in outgoing.Values) pending.TrySetCanceled();
        try
        {
            await Task.WhenAll(running.Keys).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            trace("some requests were still running at exit");
        }
    }

    private async Task DispatchAsync(byte[] body)
    {
        var error = Parse(body, out var message);
        if (error is not null)
        {
            await writer.WriteAsync(MessageSerializer.Error(message?.Id is { ValueKind: JsonValueKind.Number or JsonValueKind.String } id ? id : null, error)).ConfigureAwait(false);
            return;
        }
        var m = message!;
        if (m.Method is null)
        {
            if (m.Id is { } responseId && outgoing.TryGetValue(responseId.GetRawText(), out var pending))
            {
                if (m.Error is { } e) pending.TrySetException(new RpcException(e.Code, e.Message));
                else pending.TrySetResult(m.Result);
            }
            return;
        }
        if (m.Id is { ValueKind: JsonValueKind.Number or JsonValueKind.String } requestId)
            StartRequest(requestId, m.Method, m.Params);
        else
            HandleNotification(m.Method, m.Params);
    }

    private static ResponseError? Parse(byte[] body, out IncomingMessage? message)
    {
        message = null;
        var first = new Utf8JsonReader(body);
        try
        {
            if (!first.Read()) return new(ErrorCodes.ParseError, "Parse error: empty message body.");
            if (first.TokenType == JsonTokenType.StartArray)
                return new(ErrorCodes.InvalidRequest, "Invalid request: batches are not supported; send one message per frame.");
            if (first.TokenType != JsonTokenType.StartObject)
                return new(ErrorCodes.InvalidRequest, "Invalid request: a message must be a JSON object.");
            var whole = new Utf8JsonReader(body);
            while (whole.Read()) { }
        }
        catch (JsonException e)
        {
            return new(ErrorCodes.ParseError, $"Parse error: invalid JSON at byte {e.BytePositionInLine}: {e.Message}");
        }
        try
        {
            message = JsonSerializer.Deserialize(body, ProtocolJsonContext.Default.IncomingMessage);
        }
        catch (JsonException e)
        {
            return new(ErrorCodes.InvalidRequest, "Invalid request: " + e.Message);
        }
        if (message is null) return new(ErrorCodes.InvalidRequest, "Invalid request: null message.");
        if (message.Jsonrpc != "2.0") return new(ErrorCodes.InvalidRequest, "Invalid request: \"jsonrpc\" must be \"2.0\".");
        if (message.Method is null && message.Id is null)
            return new(ErrorCodes.InvalidRequest, "Invalid request: a message needs a \"method\" (request, notification) or an \"id\" (response).");
        if (message.Id is { ValueKind: not (JsonValueKind.Number or JsonValueKind.String or JsonValueKind.Null) })
            return new(ErrorCodes.InvalidRequest, "Invalid request: \"id\" must be a number or a string.");
        return null;
    }

    private void StartRequest(JsonElement id, string method, JsonElement? parameters)
    {
        var key = id.GetRawText();
        var cts = CancellationTokenSource.CreateLinkedTokenSource(lifetime.Token);
        if (!inFlight.TryAdd(key, cts))
        {
            cts.Dispose();
            _ = writer.WriteAsync(MessageSerializer.Error(id, new ResponseError(ErrorCodes.InvalidRequest, $"Invalid request: id {key} is already in flight.")));
            return;
        }
        var task = Task.Run(async () =>
        {
            byte[] response;
            try
            {
                if (RequestGate?.Invoke(method) is { } refused)
                    response = MessageSerializer.Error(id, refused);
                else if (!requests.TryGetValue(method, out var handler))
                    response = MessageSerializer.Error(id, new ResponseError(ErrorCodes.MethodNotFound, $"Method not found: '{method}'."));
                else
                    response = await handler(id, parameters, cts.Token).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                var error = ErrorMapper.ToResponseError(e, cts.IsCancellationRequested);
                if (error.Code == ErrorCodes.InternalError) trace($"{method}: {e}");
                response = MessageSerializer.Error(id, error);
            }
            finally
            {
                inFlight.TryRemove(key, out _);
                cts.Dispose();
            }
            await writer.WriteAsync(response).ConfigureAwait(false);
        });
        running.TryAdd(task, 0);
        task.ContinueWith(t => running.TryRemove(t, out _), TaskScheduler.Default);
    }

    private void HandleNotification(string method, JsonElement? parameters)
    {
        if (method == Methods.CancelRequest)
        {
            try
            {
                var p = Deserialize(method, parameters, ProtocolJsonContext.Default.CancelParams, null);
                if (inFlight.TryGetValue(p.Id.GetRawText(), out var cts)) cts.Cancel();
            }
            catch (Exception e) when (e is RpcException or ObjectDisposedException)
            {
                trace("$/cancelRequest: " + e.Message);
            }
            return;
        }
        if (!notifications.TryGetValue(method, out var handler))
        {
            // LSP: notifications starting with $/ may be ignored; others have nobody to answer to.
            if (!method.StartsWith("$/", StringComparison.Ordinal)) trace($"unhandled notification '{method}'");
            return;
        }
        try
        {
            handler(parameters);
        }
        catch (Exception e)
        {
            trace($"{method}: {ErrorMapper.ToResponseError(e, false).Message}");
        }
    }

    private static T Deserialize<T>(string method, JsonElement? parameters, JsonTypeInfo<T> type, Func<T>? whenAbsent)
    {
        if (parameters is not { ValueKind: not JsonValueKind.Null } p)
            return whenAbsent is not null ? whenAbsent() : throw new RpcException(ErrorCodes.InvalidParams, $"Invalid params: '{method}' needs params.");
        if (p.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
            throw new RpcException(ErrorCodes.InvalidParams, $"Invalid params: '{method}' params must be an object.");
        try
        {
            return p.Deserialize(type) ?? throw new RpcException(ErrorCodes.InvalidParams, $"Invalid params: '{method}' params are null.");
        }
        catch (JsonException e)
        {
            throw new RpcException(ErrorCodes.InvalidParams, $"Invalid params for '{method}': {e.Message}");
        }
    }
}
