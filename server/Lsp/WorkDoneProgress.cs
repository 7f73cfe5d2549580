using System.Text.Json;
using AttentionLens.Server.Protocol;
using StreamJsonRpc;

namespace AttentionLens.Server.Lsp;

/// <summary>
/// One LSP work-done progress (begin, reports, end) on a token the client gave with the request,
/// or one the server asked the client to create with <c>window/workDoneProgress/create</c>. When
/// neither is possible every call is a no-op, so callers never branch on it.
/// </summary>
internal sealed class WorkDoneProgress
{
    private readonly LspConnection connection;
    private readonly JsonElement? token;

    private WorkDoneProgress(LspConnection connection, JsonElement? token)
    {
        this.connection = connection;
        this.token = token;
    }

    public static async Task<WorkDoneProgress> BeginAsync(LspConnection connection, JsonElement? clientToken, bool clientCreatesTokens, string title, CancellationToken cancellationToken)
    {
        var token = clientToken is { ValueKind: JsonValueKind.String or JsonValueKind.Number } given ? given : (JsonElement?)null;
        if (token is null && clientCreatesTokens)
        {
            var created = JsonSerializer.SerializeToElement("al-progress-" + Guid.NewGuid().ToString("N"), ProtocolJsonContext.Default.String);
            try
            {
                await connection.SendRequestAsync(Methods.WorkDoneProgressCreate, new WorkDoneProgressCreateParams(created), cancellationToken).ConfigureAwait(false);
                token = created;
            }
            catch (RemoteRpcException)
            {
                // The client refused the token: LSP says not to report on it.
            }
        }
        var progress = new WorkDoneProgress(connection, token);
        await progress.SendAsync(new WorkDoneProgressValue("begin", Title: title, Percentage: 0, Cancellable: true)).ConfigureAwait(false);
        return progress;
    }

    public Task ReportAsync(string message, int percentage) => SendAsync(new WorkDoneProgressValue("report", Message: message, Percentage: percentage));

    public Task EndAsync(string message) => SendAsync(new WorkDoneProgressValue("end", Message: message));

    private Task SendAsync(WorkDoneProgressValue value) =>
        token is { } t ? connection.NotifyAsync(Methods.Progress, new ProgressParams(t, value)) : Task.CompletedTask;
}
