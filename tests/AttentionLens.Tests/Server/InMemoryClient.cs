using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AttentionLens.Server.Lsp;
using AttentionLens.Server.Protocol;

namespace AttentionLens.Tests.Server;

/// <summary>
/// Runs the real <see cref="LanguageServer"/> loop over in-memory pipes and plays the client:
/// writes frames (well-formed or not), matches responses to ids, records notifications, and
/// answers the server's window/workDoneProgress/create requests.
/// </summary>
internal sealed class InMemoryClient : IAsyncDisposable
{
    private readonly Pipe toServer = new();
    private readonly Pipe fromServer = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonElement>> pending = new();
    private readonly Task readLoop;
    private int nextId;

    public InMemoryClient(AttentionLens.Server.Services.IModelBackend backend, ServerSettings? settings = null, int maxConcurrent = 2)
    {
        var server = ServerHost.Create(toServer.Reader, fromServer.Writer, backend, _ => { }, settings, bundledRoot: "/nonexistent", maxConcurrent);
        ServerTask = Task.Run(async () =>
        {
            var code = await server.RunAsync();
            await fromServer.Writer.CompleteAsync();
            return code;
        });
        readLoop = Task.Run(ReadLoop);
    }

    public Task<int> ServerTask { get; }

    /// <summary>Every notification the server sent, in order (method, params).</summary>
    public ConcurrentQueue<(string Method, JsonElement Params)> Notifications { get; } = new();

    /// <summary>Responses with a null id (answers to unreadable frames).</summary>
    public ConcurrentQueue<JsonElement> Orphans { get; } = new();

    /// <summary>The orphan responses once <paramref name="count"/> have arrived (responses to different
    /// messages may be written in any order), or what arrived within <paramref name="timeout"/>.</summary>
    public async Task<JsonElement[]> OrphansAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Orphans.Count < count && DateTime.UtcNow < deadline)
            await Task.Delay(10);
        return Orphans.ToArray();
    }

    public Task WriteRawAsync(string raw) => WriteRawAsync(Encoding.UTF8.GetBytes(raw));

    public async Task WriteRawAsync(byte[] raw)
    {
        await toServer.Writer.WriteAsync(raw);
    }

    public Task SendAsync(JsonObject message) =>
        WriteRawAsync(Frame(message.ToJsonString()));

    public static string Frame(string body) => $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}";

    /// <summary>Sends a request and returns the whole response message.</summary>
    public async Task<JsonElement> RequestAsync(string method, JsonNode? parameters, int? id = null)
    {
        var requestId = id ?? Interlocked.Increment(ref nextId) + 1000;
        var task = Expect(requestId);
        var message = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = requestId, ["method"] = method };
        if (parameters is not null) message["params"] = parameters;
        await SendAsync(message);
        return await task;
    }

    /// <summary>A task for the response with <paramref name="id"/>, registered before sending.</summary>
    public Task<JsonElement> Expect(int id)
    {
        var tcs = pending.GetOrAdd(id.ToString(), _ => new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously));
        return tcs.Task.WaitAsync(TimeSpan.FromSeconds(20));
    }

    /// <summary>Drops the response kept for <paramref name="id"/>, so the next one with that id can be awaited.</summary>
    public void Forget(int id) => pending.TryRemove(id.ToString(), out _);

    public Task NotifyAsync(string method, JsonNode? parameters)
    {
        var message = new JsonObject { ["jsonrpc"] = "2.0", ["method"] = method };
        if (parameters is not null) message["params"] = parameters;
        return SendAsync(message);
    }

    public async Task<JsonElement> InitializeAsync(bool workDoneProgress = false, JsonNode? options = null)
    {
        var response = await RequestAsync(Methods.Initialize, new JsonObject
        {
            ["processId"] = null,
            ["capabilities"] = new JsonObject { ["window"] = new JsonObject { ["workDoneProgress"] = workDoneProgress } },
            ["initializationOptions"] = options,
        });
        await NotifyAsync(Methods.Initialized, new JsonObject());
        return response;
    }

    public Task OpenAsync(string uri, string text, int version = 1) =>
        NotifyAsync(Methods.DidOpen, new JsonObject
        {
            ["textDocument"] = new JsonObject { ["uri"] = uri, ["languageId"] = "plaintext", ["version"] = version, ["text"] = text },
        });

    public async Task<int> ShutdownAndExitAsync()
    {
        await RequestAsync(Methods.Shutdown, null);
        await NotifyAsync(Methods.Exit, null);
        return await ServerTask.WaitAsync(TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        await toServer.Writer.CompleteAsync();
        await ServerTask.WaitAsync(TimeSpan.FromSeconds(10));
        await readLoop.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private async Task ReadLoop()
    {
        // The test's own strict reader of the server's frames (the server's framing is StreamJsonRpc's).
        var reader = fromServer.Reader;
        while (true)
        {
            var read = await reader.ReadAsync();
            var buffer = read.Buffer;
            while (TryTakeFrame(ref buffer, out var body))
                await HandleAsync(JsonDocument.Parse(body).RootElement.Clone());
            reader.AdvanceTo(buffer.Start, buffer.End);
            if (read.IsCompleted)
            {
                if (buffer.Length > 0) throw new InvalidOperationException($"server output ended inside a frame ({buffer.Length} bytes)");
                return;
            }
        }
    }

    private static bool TryTakeFrame(ref System.Buffers.ReadOnlySequence<byte> buffer, out byte[] body)
    {
        body = [];
        var bytes = System.Buffers.BuffersExtensions.ToArray(buffer);
        var headerEnd = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        if (headerEnd < 0) return false;
        var header = Encoding.ASCII.GetString(bytes, 0, headerEnd);
        var line = header.Split("\r\n").SingleOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException("server wrote a frame without Content-Length: " + header);
        var length = int.Parse(line["Content-Length:".Length..].Trim());
        if (bytes.Length < headerEnd + 4 + length) return false;
        body = bytes.AsSpan(headerEnd + 4, length).ToArray();
        buffer = buffer.Slice(headerEnd + 4 + length);
        return true;
    }

    private async Task HandleAsync(JsonElement message)
    {
        var hasId = message.TryGetProperty("id", out var id);
        if (message.TryGetProperty("method", out var method))
        {
            if (hasId)
                await SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = JsonNode.Parse(id.GetRawText()), ["result"] = null });
            else
                Notifications.Enqueue((method.GetString()!, message.GetProperty("params")));
        }
        else if (hasId && id.ValueKind == JsonValueKind.Null)
            Orphans.Enqueue(message);
        else if (hasId)
            pending.GetOrAdd(id.GetRawText(), _ => new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(message);
    }
}
