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

    /// <summary>
    /// y and ∂y/∂inputs_embeds at each of several (T, E) word-embedding inputs of the same input ids
    /// (integrated gradients' path points), no attention gradients. This default runs <see cref="Gradient"/> once
    /// per point; the library's models pass them as <see cref="GradientOptions.PathInputsEmbeds"/>, which bodies
    /// with kept intermediates run as batches of b·T rows.
    /// </summary>
    IReadOnlyList<GradientPoint> GradientPath(ForwardInput input, GradientTarget target, IReadOnlyList<float[]> points, int threads = 0,
        CancellationToken cancellationToken = default)
    {
        var result = new GradientPoint[points.Count];
        for (int i = 0; i < points.Count; i++)
        {
            var g = Gradient(input, target, new GradientOptions { InputsEmbeds = points[i], AttentionGradients = false, Threads = threads }, cancellationToken);
            result[i] = new GradientPoint(g.Value, g.GradInputsEmbeds);
        }
        return result;
    }
}
