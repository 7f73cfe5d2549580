using AttentionLens.Tensors;

namespace AttentionLens.Models.Opt;

/// <summary>OPT as the body of a backward pass (project_out is the head's, in <see cref="DecoderTaskModel"/>).</summary>
public sealed partial class OptModel
{
    int IDifferentiableBody.EmbeddingSize => Embed.Dim;

    ForwardResult IDifferentiableBody.ForwardKeep(ForwardInput input, float[]? inputsEmbeds, int threads, CancellationToken cancellationToken) =>
        Forward(input, new ForwardOptions { InputsEmbeds = inputsEmbeds, Threads = threads }, cancellationToken);

    float[] IDifferentiableBody.WordEmbeddings(ForwardInput input)
    {
        var rows = new float[input.Length * Embed.Dim];
        Embed.Lookup(input.InputIds, rows, accumulate: false);
        return rows;
    }

    /// <summary>final_layer_norm's backward (pre-norm OPT), the layers in reverse, then project_inᵀ (the
    /// learned positions are added after it, so they pass the gradient unchanged).</summary>
    float[] IDifferentiableBody.Backward(IKernels kernels, ForwardInput input, float[] inputsEmbeds, ForwardResult forward, float[] dLast, float[]? gradAttentions, CancellationToken cancellationToken)
    {
        int t = forward.Tokens, n = t * forward.Hidden, layers = _layers.Length, heads = Info.Heads;
        var bias = AttentionMasks.CausalOrPadding(input.AttentionMask, t);
        using var scratch = new Scratch(gradAttentions is null ? heads * t * t : 0);
        var dy = (float[])dLast.Clone();
        if (_finalNorm is not null)
        {
            var y = new float[n];
            using (var probs = new Scratch(heads * t * t))
                _layers[layers - 1].Forward(kernels, forward.HiddenStates.AsSpan((layers - 1) * n, n), y, bias, probs.Span, default, t);
            _finalNorm.Backward(y, dLast, dy, t);
        }
        var dx = new float[n];
        for (int l = layers - 1; l >= 0; l--)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _layers[l].Backward(kernels, forward.HiddenStates.AsSpan(l * n, n), bias, dy, dx, GradientRunner.LayerBlock(gradAttentions, scratch.Span, l, heads, t), t);
            GradientRunner.CheckLayer(dx, l);
            (dx, dy) = (dy, dx);
        }
        if (_projectIn is null) return dy;
        var dWords = new float[t * Embed.Dim];
        _projectIn.Backward(kernels, dy, dWords, t);
        return dWords;
    }
}
