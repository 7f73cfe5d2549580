namespace AttentionLens.Models;

/// <summary>One input sequence of T tokens.</summary>
/// <param name="InputIds">(T) token ids.</param>
/// <param name="TokenTypeIds">(T) segment ids for models with token types; null means all zeros.</param>
/// <param name="AttentionMask">(T) 1 = attend, 0 = masked (padding or occluded); null means all ones.
/// Masked keys get the dtype minimum added before the softmax, exactly as <c>transformers</c> does.</param>
public sealed record ForwardInput(int[] InputIds, int[]? TokenTypeIds = null, int[]? AttentionMask = null)
{
    public int Length => InputIds.Length;
}
