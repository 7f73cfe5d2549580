namespace AttentionLens.Generation;

/// <summary>Why generation ended.</summary>
public enum GenerationStop
{
    /// <summary>MaxNewTokens were added.</summary>
    MaxNewTokens,

    /// <summary>The model chose a stop (end-of-text) token.</summary>
    EndOfText,

    /// <summary>The input reached the model's position limit.</summary>
    ContextFull,
}
