namespace AttentionLens.Tokenizers;

/// <summary>[Start, End) in UTF-16 code units of the ORIGINAL text (what editor positions use).</summary>
public readonly record struct TextRange(int Start, int End)
{
    public int Length => End - Start;
}
