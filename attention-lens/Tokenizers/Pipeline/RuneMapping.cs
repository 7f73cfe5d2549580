namespace AttentionLens.Tokenizers.Pipeline;

public enum RuneMappingKind { Keep, Remove, Replace }

/// <summary>What a per-rune normalizer does with one rune: keep it, remove it, or replace it with a string.</summary>
public readonly record struct RuneMapping(RuneMappingKind Kind, string? Output)
{
    public static RuneMapping Keep => new(RuneMappingKind.Keep, null);

    public static RuneMapping Remove => new(RuneMappingKind.Remove, null);

    public static RuneMapping With(string output) => new(RuneMappingKind.Replace, output);
}
