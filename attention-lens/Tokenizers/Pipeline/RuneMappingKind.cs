namespace AttentionLens.Tokenizers.Pipeline;

/// <summary>Keep a rune, remove it, or replace it with a string.</summary>
public enum RuneMappingKind { Keep, Remove, Replace }
