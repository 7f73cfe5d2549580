namespace AttentionLens.Models;

/// <summary>Whether a loaded model can run <see cref="IDifferentiableModel.Gradient"/>.</summary>
public static class Gradients
{
    /// <summary>The model implements <see cref="IDifferentiableModel"/> and its body has a backward pass.</summary>
    public static bool IsDifferentiable(ITransformerModel model) => model is IDifferentiableModel { SupportsGradients: true };

    /// <summary>The model as <see cref="IDifferentiableModel"/>, or a clear error naming its architecture.</summary>
    public static IDifferentiableModel Require(ITransformerModel model) =>
        model is IDifferentiableModel { SupportsGradients: true } differentiable
            ? differentiable
            : throw new AttentionLensException(
                $"gradients are not implemented for {model.Info.Architecture} ({model.Info.ModelType}) yet; gradient methods need one of the architectures listed in README.md (Gradients).");
}
