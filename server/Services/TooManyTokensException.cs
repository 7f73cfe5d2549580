namespace AttentionLens.Server.Services;

/// <summary>The selection is longer than the token cap.</summary>
public sealed class TooManyTokensException : AttentionLensException
{
    public TooManyTokensException(int tokens, int limit, string model)
        : base($"The selection has {tokens} tokens with model '{model}'; the limit is {limit}. Select less text or raise attentionLens.maxTokens (or options.maxTokens).", model)
    {
        Tokens = tokens;
        Limit = limit;
    }

    public int Tokens { get; }
    public int Limit { get; }
}
