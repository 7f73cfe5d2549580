namespace AttentionLens.Models.DistilBert;

/// <summary>The backward pass of DistilBERT's masked-LM head.</summary>
public sealed partial class DistilBertForMaskedLM
{
    public GradientResult Gradient(ForwardInput input, GradientTarget target, GradientOptions? options = null, CancellationToken cancellationToken = default)
    {
        TargetGradient.CheckOutput(target, Info, GradientOutput.LmLogits);
        TargetGradient.CheckPosition(target.Position, input.Length);
        return GradientRunner.Run(_body, _kernels, input, options,
            (kernels, last, tokens, dLast) => _head.Backward(kernels, last, target, dLast), cancellationToken);
    }

    /// <summary>The points as one <see cref="GradientOptions.PathInputsEmbeds"/> call (batched where the body keeps its intermediates).</summary>
    public IReadOnlyList<GradientPoint> GradientPath(ForwardInput input, GradientTarget target, IReadOnlyList<float[]> points, int threads = 0,
        CancellationToken cancellationToken = default) =>
        Gradient(input, target, new GradientOptions { PathInputsEmbeds = points, AttentionGradients = false, Threads = threads }, cancellationToken).Points!;
}
