namespace AttentionLens.Flow;

/// <summary>An attention tensor or a flow query that the flow methods cannot accept: wrong rank or
/// shape, rows that are not distributions, NaN or negative entries, a target out of range.</summary>
public sealed class InvalidAttentionException : AttentionLensException
{
    public InvalidAttentionException(string message, string? path = null) : base(message, path) { }
}
