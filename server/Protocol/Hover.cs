namespace AttentionLens.Server.Protocol;

public sealed record HoverParams(TextDocumentIdentifier TextDocument, Position Position);

public sealed record MarkupContent(string Kind, string Value);

public sealed record Hover(MarkupContent Contents, Range? Range = null);
