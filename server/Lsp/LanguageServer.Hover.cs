using AttentionLens.Server.Protocol;
using AttentionLens.Server.Services;

namespace AttentionLens.Server.Lsp;

/// <summary>textDocument/hover over a token of the newest analysis of the unchanged document.</summary>
internal sealed partial class LanguageServer
{
    private void RegisterHover() =>
        connection.OnRequest(Methods.Hover, c => c.HoverParams, Hover);

    private Task<Hover?> Hover(HoverParams p, CancellationToken ct)
    {
        ParamsValidator.Position(p.Position, "position");
        var doc = documents.Find(p.TextDocument.Uri);
        if (doc is null) return Task.FromResult<Hover?>(null);
        var offset = doc.OffsetAt(p.Position);
        foreach (var analysis in service.Store.ForDocument(p.TextDocument.Uri))
        {
            // A range analysed in an older version may no longer hold the same text.
            if (analysis.DocumentVersion != doc.Version) continue;
            if (HoverBuilder.Build(analysis, offset, settings.Current.HoverMethod) is { } hover)
                return Task.FromResult<Hover?>(hover);
        }
        return Task.FromResult<Hover?>(null);
    }
}
