namespace AttentionLens.Tokenizers.SentencePiece;

/// <summary>SentencePiece piece types (sentencepiece_model.proto).</summary>
public enum PieceType { Normal = 1, Unknown = 2, Control = 3, UserDefined = 4, Unused = 5, Byte = 6 }
