namespace AttentionLens.Models;

/// <summary>
/// A forward pass produced NaN or ±Inf (or attention rows that no longer sum to 1 because their
/// scores overflowed) at <see cref="Layer"/>, from inputs that were finite: the weights of that
/// stage hold non-finite or float32-overflowing values. Thrown by <see cref="ForwardTrace"/>'s
/// check, which names the first stage that went wrong and the tensors that feed it; callers that
/// know the checkpoint's folder add it with <see cref="ForModel"/>.
/// </summary>
public sealed class NonFiniteActivationException : AttentionLensException
{
    public NonFiniteActivationException(int layer, string stage, string suspects, string? model = null, Exception? inner = null)
        : base($"{(layer < 0 ? "the embeddings" : $"layer {layer}")} of {model ?? "the model"}: {stage}. Suspect {suspects}: they hold NaN, Inf or values too large for float32. Check or re-export the checkpoint.", model, inner)
    {
        Layer = layer;
        Stage = stage;
        Suspects = suspects;
    }

    /// <summary>0-based layer, or −1 for the embeddings.</summary>
    public int Layer { get; }

    /// <summary>What went non-finite (the attention probabilities, the output hidden state…).</summary>
    public string Stage { get; }

    /// <summary>The tensor group whose weights are suspect.</summary>
    public string Suspects { get; }

    /// <summary>The same error naming the checkpoint <paramref name="model"/>.</summary>
    public NonFiniteActivationException ForModel(string model) => new(Layer, Stage, Suspects, model, this);
}
