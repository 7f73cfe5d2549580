namespace AttentionLens.Models;

/// <summary>The checks every encoder body makes on its input before embedding it.</summary>
public static class EncoderInputs
{
    public static void Check(ForwardInput input, int maxPositions)
    {
        int t = input.Length;
        if (t == 0) throw new AttentionLensException("the input has no tokens.");
        if (t > maxPositions)
            throw new AttentionLensException($"the input has {t} tokens; this model's position embeddings allow at most {maxPositions}.");
        if (input.TokenTypeIds is { } types && types.Length != t)
            throw new AttentionLensException($"{types.Length} token type ids for {t} input ids; give one per token.");
    }
}
