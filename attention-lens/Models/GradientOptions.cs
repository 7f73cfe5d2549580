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

    /// <summary>
    /// Several (T, E) word-embedding inputs of the same input ids, differentiated together (integrated
    /// gradients' path points): the result's <see cref="GradientResult.Points"/> hold each one's y and
    /// ∂y/∂inputs_embeds, and its own fields describe the first. Needs <see cref="AttentionGradients"/> = false.
    /// Bodies with kept intermediates (<see cref="IBatchedDifferentiableBody"/>) run up to <see cref="MaxBatch"/>
    /// of them as one batch of b·T rows; other bodies, or a budget too small, run them one after another.
    /// </summary>
    public IReadOnlyList<float[]>? PathInputsEmbeds { get; init; }

    /// <summary>
    /// Bytes the forward may keep for the backward beyond the hidden states: every layer's intermediates (q, k,
    /// v, probabilities, residual sums, FFN pre-activations; <see cref="IBatchedDifferentiableBody.KeptFloatsPerSequence"/>)
    /// for each sequence of a batch. When one sequence's do not fit, the backward recomputes each layer from its
    /// input (per-layer checkpointing, one sequence at a time; 0 forces it). The default 256 MiB keeps them for
    /// BERT-base up to about 430 tokens (57 MB per sequence at 128: batches of 4; GPT-2 52 MB: 5) and leaves BERT-base
    /// at 512 tokens (341 MB) and the Llama-3.2-1B shape at 256 (522 MB) on recompute, within the memory measured
    /// before this budget existed. Transient scratch of one layer's backward comes on top.
    /// </summary>
    public long KeptActivationsBudgetBytes { get; init; } = 256L << 20;

    /// <summary>Most sequences of <see cref="PathInputsEmbeds"/> run in one batch (fewer when the budget says so).</summary>
    public int MaxBatch { get; init; } = 8;

    public static GradientOptions Default { get; } = new();
}
