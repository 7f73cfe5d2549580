namespace AttentionLens.Models;

/// <summary>
/// A model with a reverse-mode pass: the gradient of one scalar of its head's output with respect to
/// the input embeddings and to every layer's attention probabilities. Like <see cref="ITransformerModel.Forward"/>,
/// safe to call from several threads: activations kept for the backward pass belong to the call.
/// </summary>
public interface IDifferentiableModel : ITransformerModel
{
    /// <summary>Runs the forward pass keeping what the backward pass needs, then the backward pass;
    /// checks <paramref name="cancellationToken"/> at least once per layer each way.</summary>
    /// <summary>
    /// False when this object wraps a body without a backward pass (a task head over a family whose
    /// gradients are not implemented yet): <see cref="Gradient"/> then throws an <see cref="AttentionLensException"/>
    /// saying so. Check it (or use <see cref="Gradients.IsDifferentiable"/>) before offering gradient methods.
    /// </summary>
    bool SupportsGradients => true;

    GradientResult Gradient(ForwardInput input, GradientTarget target, GradientOptions? options = null, CancellationToken cancellationToken = default);
}
