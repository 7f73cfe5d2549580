namespace AttentionLens.Tokenizers.PreTokenizers;

/// <summary>When Metaspace prepends its replacement character: always, only to the first piece, never.</summary>
public enum PrependScheme { Always, First, Never }
