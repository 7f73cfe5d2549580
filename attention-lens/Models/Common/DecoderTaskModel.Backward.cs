using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>The backward pass of a decoder task head over a body that has one (<see cref="IDifferentiableBody"/>).</summary>
public sealed partial class DecoderTaskModel
{
    /// <summary>True when the body has a backward pass.</summary>
    public bool SupportsGradients => _body is IDifferentiableBody;

    /// <summary>
    /// The head's backward (its linear layer, OPT's project_out, Gemma 2's final soft-cap) into
    /// ∂y/∂(last hidden state), then the body's. A body without a backward pass is refused.
    /// </summary>
    public GradientResult Gradient(ForwardInput input, GradientTarget target, GradientOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (_body is not IDifferentiableBody body)
            throw new AttentionLensException($"gradients are not implemented for {_body.Info.ModelType} models yet; the {Info.Architecture} head cannot be differentiated.");
        int t = input.Length;
        GradientRunner.HeadBackward head;
        switch (Info.Head)
        {
            case ModelHead.CausalLM:
                TargetGradient.CheckOutput(target, Info, GradientOutput.LmLogits);
                TargetGradient.CheckPosition(target.Position, t);
                head = (kernels, last, tokens, dLast) => Row(kernels, last, target.Position, dLast,
                    (k, features, dFeatures) => GradientRunner.LinearRow(k, _head, features, 0, target, dFeatures, "vocabulary id", _finalSoftCap));
                break;
            case ModelHead.SequenceClassification:
                TargetGradient.CheckOutput(target, Info, GradientOutput.ClassifierLogits);
                int row = LastTokenIndex(input);
                head = (kernels, last, tokens, dLast) => Row(kernels, last, row, dLast,
                    (k, features, dFeatures) => GradientRunner.LinearRow(k, _head, features, 0, target, dFeatures, "label"));
                break;
            case ModelHead.TokenClassification:
                TargetGradient.CheckOutput(target, Info, GradientOutput.TokenClassifierLogits);
                TargetGradient.CheckPosition(target.Position, t);
                head = (kernels, last, tokens, dLast) => Row(kernels, last, target.Position, dLast,
                    (k, features, dFeatures) => GradientRunner.LinearRow(k, _head, features, 0, target, dFeatures, "label"));
                break;
            case ModelHead.QuestionAnswering:
                TargetGradient.CheckOutput(target, Info, GradientOutput.QaStartLogits, GradientOutput.QaEndLogits);
                TargetGradient.CheckPosition(target.Position, t);
                head = (kernels, last, tokens, dLast) => AllRows(kernels, last, tokens, dLast,
                    (k, features, dFeatures) => GradientRunner.QuestionAnswering(k, _head, features, tokens, target, dFeatures));
                break;
            default:
                throw new AttentionLensException($"{Info.Architecture} has no head output to differentiate.");
        }
        return GradientRunner.Run(body, _kernels, input, options, head, cancellationToken);
    }

    /// <summary>The points as one <see cref="GradientOptions.PathInputsEmbeds"/> call (batched where the body keeps its intermediates).</summary>
    public IReadOnlyList<GradientPoint> GradientPath(ForwardInput input, GradientTarget target, IReadOnlyList<float[]> points, int threads = 0,
        CancellationToken cancellationToken = default) =>
        Gradient(input, target, new GradientOptions { PathInputsEmbeds = points, AttentionGradients = false, Threads = threads }, cancellationToken).Points!;

    private delegate float FeatureBackward(IKernels kernels, ReadOnlySpan<float> features, Span<float> dFeatures);

    /// <summary>One row of the last hidden state through project_out (when present) into the head.</summary>
    private float Row(IKernels kernels, ReadOnlySpan<float> last, int row, Span<float> dLast, FeatureBackward head)
    {
        int c = _body.Info.HiddenSize;
        var value = AllRows(kernels, last.Slice(row * c, c), 1, dLast.Slice(row * c, c), head);
        return value;
    }

    /// <summary><paramref name="rows"/> rows through project_out (when present) into the head.</summary>
    private float AllRows(IKernels kernels, ReadOnlySpan<float> last, int rows, Span<float> dLast, FeatureBackward head)
    {
        if (_projectOut is null) return head(kernels, last, dLast);
        var features = new float[rows * _projectOut.OutFeatures];
        _projectOut.Forward(kernels, last, features, rows);
        var dFeatures = new float[features.Length];
        float value = head(kernels, features, dFeatures);
        _projectOut.Backward(kernels, dFeatures, dLast, rows);
        return value;
    }
}
