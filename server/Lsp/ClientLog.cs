using AttentionLens.Server.Protocol;

namespace AttentionLens.Server.Lsp;

/// <summary>
/// Messages for the user: mirrored to stderr always, and sent as <c>window/logMessage</c> once the
/// client has initialized (LSP forbids notifications before the initialize response).
/// </summary>
internal sealed class ClientLog(LspConnection connection, Action<string> trace)
{
    private volatile bool open;

    /// <summary>Set after <c>initialize</c> was answered.</summary>
    public void Open() => open = true;

    public void Error(string message) => Send(1, message);
    public void Warning(string message) => Send(2, message);
    public void Info(string message) => Send(3, message);
    public void Trace(string message) => trace(message);

    private void Send(int type, string message)
    {
        trace(message);
        if (open) _ = connection.NotifyAsync(Methods.LogMessage, new LogMessageParams(type, message));
    }
}
