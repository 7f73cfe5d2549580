namespace AttentionLens.Models.Heads;

/// <summary>The backward pass of an encoder task head over a body that has one.</summary>
public sealed partial class EncoderWithHead : IDifferentiableModel
{
    /// <summary>True when both the body and the head have a backward pass.</summary>
    public bool SupportsGradients => _body is IDifferentiableBody && _head is IDifferentiableHead;

    public GradientResult Gradient(ForwardInput input, GradientTarget target, GradientOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (_body is not IDifferentiableBody body || _head is not IDifferentiableHead head)
            throw new AttentionLensException($"gradients are not implemented for {Info.Architecture} ({Info.ModelType}) yet.");
        return GradientRunner.Run(body, _kernels, input, options,
            (kernels, last, tokens, dLast) => head.Backward(kernels, last, tokens, target, Info, dLast), cancellationToken);
    }

    /// <summary>The points as one <see cref="GradientOptions.PathInputsEmbeds"/> call (batched where the body keeps its intermediates).</summary>
    public IReadOnlyList<GradientPoint> GradientPath(ForwardInput input, GradientTarget target, IReadOnlyList<float[]> points, int threads = 0,
        CancellationToken cancellationToken = default) =>
        Gradient(input, target, new GradientOptions { PathInputsEmbeds = points, AttentionGradients = false, Threads = threads }, cancellationToken).Points!;
}
