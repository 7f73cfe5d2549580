namespace AttentionLens.Models;

/// <summary>What a backward pass takes besides the input and the target.</summary>
public sealed record GradientOptions
{
    /// <summary>
    /// (T, C) word embeddings to use instead of looking up the input ids — Hugging Face's
    /// <c>inputs_embeds</c>: the embedding-table rows before position or token-type embeddings, norms or
    /// scaling are added. Integrated gradients feeds the points on the path from a baseline here.
    /// Null = the rows of the input ids.
    /// </summary>
    public float[]? InputsEmbeds { get; init; }

    /// <summary>Also return ∂y/∂A for every layer's attention probabilities (L, H, T, T).</summary>
    public bool AttentionGradients { get; init; } = true;

    /// <summary>Threads the kernels may use; 0 = the model's kernels as loaded.</summary>
    public int Threads { get; init; }

    public static GradientOptions Default { get; } = new();
}
