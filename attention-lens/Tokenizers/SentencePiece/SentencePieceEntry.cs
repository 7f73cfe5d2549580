namespace AttentionLens.Tokenizers.SentencePiece;

/// <summary>One vocabulary entry of a SentencePiece model.</summary>
public sealed record SentencePieceEntry(string Piece, float Score, PieceType Type);
