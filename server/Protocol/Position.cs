namespace AttentionLens.Server.Protocol;

/// <summary>LSP position: zero-based line and UTF-16 code-unit offset in that line.</summary>
public sealed record Position(int Line, int Character);
