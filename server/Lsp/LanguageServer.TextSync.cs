using AttentionLens.Server.Protocol;
using AttentionLens.Server.Services;
using Ctx = AttentionLens.Server.Protocol.ProtocolJsonContext;

namespace AttentionLens.Server.Lsp;

/// <summary>textDocument/didOpen, didChange (full or incremental, UTF-16 positions) and didClose.</summary>
internal sealed partial class LanguageServer
{
    private void RegisterTextSync()
    {
        connection.OnNotification(Methods.DidOpen, Ctx.Default.DidOpenTextDocumentParams,
            p => documents.Set(p.TextDocument.Uri, new TextDocument(p.TextDocument.Text, p.TextDocument.Version)));
        connection.OnNotification(Methods.DidChange, Ctx.Default.DidChangeTextDocumentParams, DidChange);
        connection.OnNotification(Methods.DidClose, Ctx.Default.DidCloseTextDocumentParams, p =>
        {
            documents.Remove(p.TextDocument.Uri);
            service.Store.ForgetDocument(p.TextDocument.Uri);
        });
    }

    private void DidChange(DidChangeTextDocumentParams p)
    {
        var doc = documents.Find(p.TextDocument.Uri);
        if (doc is null)
        {
            Log(2, $"didChange for '{p.TextDocument.Uri}', which is not open; ignored.");
            return;
        }
        // Changes apply in order, each to the result of the previous one (LSP 3.17 §didChange).
        foreach (var change in p.ContentChanges) doc = doc.Apply(change, p.TextDocument.Version);
        documents.Set(p.TextDocument.Uri, doc);
    }
}
