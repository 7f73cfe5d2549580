using System.IO.Pipelines;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AttentionLens.Server.Protocol;
using AttentionLens.Server.Services;
using Microsoft.VisualStudio.Threading;
using StreamJsonRpc;

namespace AttentionLens.Server.Lsp;

/// <summary>
/// The JSON-RPC connection, carried by StreamJsonRpc: LSP base framing
/// (<see cref="HeaderDelimitedMessageHandler"/>), <see cref="LspMessageFormatter"/>, cancellation
/// by <c>$/cancelRequest</c> (-32800), server→client requests and notifications. This class only
/// registers typed handlers: params are read with the source-generated type info (a fault is a
/// -32602 naming the method and the member), requests pass the lifecycle gate first, and each
/// request runs on the thread pool so notifications keep their order (the connection invokes
/// handlers one at a time, in arrival order, until each first yields).
/// </summary>
internal sealed class LspConnection
{
    private static readonly MethodInfo InvokeRequest = typeof(RequestTarget).GetMethod(nameof(RequestTarget.InvokeAsync))!;
    private static readonly MethodInfo InvokeNotification = typeof(NotificationTarget).GetMethod(nameof(NotificationTarget.Invoke))!;

    private readonly LspJsonRpc rpc;
    private readonly Action<string> trace;
    private readonly TaskCompletionSource ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private JsonRpcDisconnectedEventArgs? disconnected;
    private int activeRequests;

    public LspConnection(PipeReader input, PipeWriter output, Action<string> trace)
    {
        this.trace = trace;
        // JsonRpc's default SynchronizationContext is a NonConcurrentSynchronizationContext
        // (non-sticky): handlers start one at a time in arrival order, which keeps text
        // synchronisation ordered; requests then leave it for the thread pool (RequestTarget).
        rpc = new LspJsonRpc(new HeaderDelimitedMessageHandler(output, input, new LspMessageFormatter()), trace)
        {
            CancelLocallyInvokedMethodsWhenConnectionIsClosed = true,
        };
        if (rpc.CancellationStrategy is { } standard) rpc.CancellationStrategy = new InFlightIds(standard);
        if (rpc.SynchronizationContext is not NonConcurrentSynchronizationContext)
            rpc.SynchronizationContext = new NonConcurrentSynchronizationContext(sticky: false);
        if (Environment.GetEnvironmentVariable("ATTENTION_LENS_RPC_TRACE") is "1") TraceMessages(rpc);
        rpc.Disconnected += (_, e) =>
        {
            disconnected ??= e;
            ended.TrySetResult();
            trace($"connection closed ({e.Reason}): {e.Description}{(e.Exception is { } x ? " " + x : "")}");
        };
        // A message MessageShape refused arrives as this request: answer it with its fault.
        OnRequest<ResponseError, NullResult>(LspMessageFormatter.MalformedMethod, c => c.ResponseError,
            (fault, _) => throw new RpcException(fault.Code, fault.Message), gated: false);
    }

    /// <summary>Consulted before each request; a non-null error answers it instead of the handler (LSP lifecycle).</summary>
    public Func<string, ResponseError?>? RequestGate { get; set; }

    /// <summary>Requests being handled now.</summary>
    public int ActiveRequests => Volatile.Read(ref activeRequests);

    public void OnRequest<TParams, TResult>(string method, StrictParamsJson.TypeOf<TParams> paramsType,
        Func<TParams, CancellationToken, Task<TResult?>> handler, Func<TParams>? whenAbsent = null, bool gated = true)
        where TResult : class
    {
        var target = new RequestTarget(this, method, gated, RequestTarget.Box<TResult>((parameters, ct) => handler(Read(method, parameters, paramsType, whenAbsent), ct)));
        rpc.AddLocalRpcMethod(InvokeRequest, target, new JsonRpcMethodAttribute(method) { UseSingleObjectParameterDeserialization = true });
    }

    public void OnNotification<TParams>(string method, StrictParamsJson.TypeOf<TParams> paramsType, Action<TParams> handler, Func<TParams>? whenAbsent = null)
    {
        var target = new NotificationTarget(method, trace, parameters => handler(Read(method, parameters, paramsType, whenAbsent)));
        rpc.AddLocalRpcMethod(InvokeNotification, target, new JsonRpcMethodAttribute(method) { UseSingleObjectParameterDeserialization = true });
    }

    /// <summary>Sends a server→client request and waits for its response (a client error is a <see cref="RemoteRpcException"/>).</summary>
    public Task<JsonElement?> SendRequestAsync<TParams>(string method, TParams parameters, CancellationToken cancellationToken) where TParams : class =>
#pragma warning disable IL2026 // the parameter object is serialized through the source-generated resolver
        rpc.InvokeWithParameterObjectAsync<JsonElement?>(method, ProtocolValue.Of(parameters, ProtocolType<TParams>()), cancellationToken);

    public Task NotifyAsync<TParams>(string method, TParams parameters) where TParams : class =>
        rpc.NotifyWithParameterObjectAsync(method, ProtocolValue.Of(parameters, ProtocolType<TParams>()));
#pragma warning restore IL2026

    /// <summary>A protocol record's metadata in <see cref="ProtocolJsonContext"/>'s own options (what <see cref="ProtocolValue"/> writes with).</summary>
    private static JsonTypeInfo<T> ProtocolType<T>() =>
        (JsonTypeInfo<T>)(ProtocolJsonContext.Default.GetTypeInfo(typeof(T))
            ?? throw new InvalidOperationException($"{typeof(T).Name} is missing from ProtocolJsonContext: add a [JsonSerializable] for it."));

    /// <summary>Ends <see cref="RunAsync"/> (after <c>exit</c>).</summary>
    public void Stop()
    {
        ended.TrySetResult();
        // Disposing cancels the requests in flight; it may wait on a read of stdin that never
        // returns, so nobody waits for it.
        _ = Task.Run(rpc.Dispose);
    }

    /// <summary>
    /// Serves until the input ends, <see cref="Stop"/>, or a fault the connection cannot recover
    /// from (a frame whose header StreamJsonRpc cannot read). Returns that fault, or null.
    /// </summary>
    public async Task<string?> RunAsync()
    {
        rpc.StartListening();
        StartupTrace.Mark("listening");
        // Not rpc.Completion alone: after a disconnect it also waits for the input to close,
        // which a blocked read of stdin may never report.
        await Task.WhenAny(rpc.Completion, ended.Task).ConfigureAwait(false);
        try
        {
            // In-flight requests were cancelled with the connection; give them a moment to unwind.
            await rpc.DispatchCompletion.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            trace("some requests were still running at exit");
        }
        return disconnected is { Reason: DisconnectedReason.ParseError or DisconnectedReason.StreamError or DisconnectedReason.FatalException } d
            ? d.Description + (d.Exception is { } x && !d.Description.Contains(x.Message, StringComparison.Ordinal) ? " " + x.Message : "")
            : null;
    }

    /// <summary>Reads params strictly (<see cref="StrictParamsJson"/>); every fault is a -32602 <see cref="RpcException"/> naming the method and the member.</summary>
    public static T Read<T>(string method, JsonElement? parameters, StrictParamsJson.TypeOf<T> type, Func<T>? whenAbsent)
    {
        if (parameters is not { ValueKind: not JsonValueKind.Null } p)
            return whenAbsent is not null ? whenAbsent() : throw new RpcException(ErrorCodes.InvalidParams, $"Invalid params: '{method}' needs params.");
        if (p.ValueKind is not JsonValueKind.Object)
            throw new RpcException(ErrorCodes.InvalidParams, $"Invalid params: '{method}' params must be an object.");
        try
        {
            return p.Deserialize(type(StrictParamsJson.Context)) ?? throw new RpcException(ErrorCodes.InvalidParams, $"Invalid params: '{method}' params are null.");
        }
        catch (JsonException e)
        {
            throw new RpcException(ErrorCodes.InvalidParams, $"Invalid params for '{method}': {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            // System.Text.Json reports some unreadable values (e.g. invalid UTF-16 escapes) this way.
            throw new RpcException(ErrorCodes.InvalidParams, $"Invalid params for '{method}': {e.Message}");
        }
    }

    /// <summary>
    /// Every message StreamJsonRpc sends and receives, on stderr (ATTENTION_LENS_RPC_TRACE=1,
    /// diagnostics only). A method of its own so the listener's assembly loads only when asked for.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void TraceMessages(JsonRpc rpc)
    {
        rpc.TraceSource.Switch.Level = System.Diagnostics.SourceLevels.Verbose;
        rpc.TraceSource.Listeners.Add(new System.Diagnostics.TextWriterTraceListener(Console.Error));
    }

    /// <summary>The object StreamJsonRpc invokes for one request method.</summary>
    private sealed class RequestTarget(LspConnection connection, string method, bool gated, Func<JsonElement?, CancellationToken, Task<object?>> run)
    {
        /// <summary>
        /// The handler as StreamJsonRpc invokes it, its result wrapped in a <see cref="ProtocolValue"/>
        /// written with <see cref="ProtocolJsonContext"/>'s metadata (found at the first result, not at registration).
        /// </summary>
        public static Func<JsonElement?, CancellationToken, Task<object?>> Box<TResult>(Func<JsonElement?, CancellationToken, Task<TResult?>> f) where TResult : class
        {
            JsonTypeInfo<TResult>? type = null;
            return async (p, ct) => await f(p, ct).ConfigureAwait(false) is { } result ? ProtocolValue.Of(result, type ??= ProtocolType<TResult>()) : null;
        }

        public async Task<object?> InvokeAsync(JsonElement? parameters = null, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref connection.activeRequests);
            try
            {
                if (gated && connection.RequestGate?.Invoke(method) is { } refused)
                    throw new RpcException(refused.Code, refused.Message, refused.Data);
                // Off the connection's ordered context: the next message is read while this one runs.
                return await Task.Run(() => run(parameters, cancellationToken), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref connection.activeRequests);
            }
        }
    }

    /// <summary>The object StreamJsonRpc invokes for one notification; a fault is logged, as nobody can be answered.</summary>
    private sealed class NotificationTarget(string method, Action<string> trace, Action<JsonElement?> run)
    {
        public void Invoke(JsonElement? parameters = null)
        {
            try
            {
                run(parameters);
            }
            catch (Exception e)
            {
                trace($"{method}: {ErrorMapper.ToResponseError(e, false).Message}");
            }
        }
    }
}
