namespace AttentionLens.Server.Protocol;

/// <summary>LSP range [Start, End) in document positions.</summary>
public sealed record Range(Position Start, Position End);
