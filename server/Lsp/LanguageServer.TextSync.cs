using AttentionLens.Server.Protocol;
using AttentionLens.Server.Services;

namespace AttentionLens.Server.Lsp;

/// <summary>
/// textDocument/didOpen, didChange (full or incremental, UTF-16 positions) and didClose. The
/// server's copy must never differ silently from the editor's: text is kept exactly (lone
/// surrogates included, see <see cref="Utf16StringConverter"/>); a change the server cannot apply
/// exactly (an unreadable message, a range outside the document) drops the server's copy and
/// tells the user, so later requests get DocumentNotOpen (1005) instead of analysing other text.
/// </summary>
internal sealed partial class LanguageServer
{
    private void RegisterTextSync()
    {
        connection.OnNotification(Methods.DidOpen, c => c.JsonElement, raw => Sync(Methods.DidOpen, raw, p =>
        {
            var open = LspConnection.Read(Methods.DidOpen, p, c => c.DidOpenTextDocumentParams, null);
            documents.Set(open.TextDocument.Uri, new TextDocument(open.TextDocument.Text, open.TextDocument.Version));
        }), () => default);
        connection.OnNotification(Methods.DidChange, c => c.JsonElement, raw => Sync(Methods.DidChange, raw, p =>
            DidChange(LspConnection.Read(Methods.DidChange, p, c => c.DidChangeTextDocumentParams, null))), () => default);
        connection.OnNotification(Methods.DidClose, c => c.DidCloseTextDocumentParams, p =>
        {
            documents.Remove(p.TextDocument.Uri);
            service.Store.ForgetDocument(p.TextDocument.Uri);
        });
    }

    private void Sync(string method, System.Text.Json.JsonElement raw, Action<System.Text.Json.JsonElement> apply)
    {
        try
        {
            apply(raw);
        }
        catch (Exception e) when (e is RpcException or InvalidParamsException)
        {
            // Whose document was it? The identifier alone may still be readable.
            string? uri = null;
            try { uri = LspConnection.Read(method, raw, c => c.DidCloseTextDocumentParams, null).TextDocument.Uri; }
            catch (RpcException) { }
            if (uri is not null && documents.Remove(uri)) service.Store.ForgetDocument(uri);
            ShowError($"{method} refused{(uri is null ? "" : $" for '{uri}'")}: {e.Message} " +
                (uri is null ? "Documents may differ from the editor's: close and reopen them." : "The server dropped its copy: close and reopen the document to analyse it."));
        }
    }

    private void DidChange(DidChangeTextDocumentParams p)
    {
        var doc = documents.Find(p.TextDocument.Uri);
        if (doc is null)
        {
            log.Warning($"didChange for '{p.TextDocument.Uri}', which is not open; ignored.");
            return;
        }
        // Changes apply in order, each to the result of the previous one (LSP 3.17 §didChange).
        for (var i = 0; i < p.ContentChanges.Count; i++)
        {
            var change = p.ContentChanges[i];
            if (change.Range is { } r) doc.Validate(r, $"contentChanges[{i}].range");
            doc = doc.Apply(change, p.TextDocument.Version);
        }
        documents.Set(p.TextDocument.Uri, doc);
    }
}
