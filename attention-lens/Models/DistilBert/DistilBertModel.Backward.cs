using AttentionLens.Tensors;

namespace AttentionLens.Models.DistilBert;

/// <summary>DistilBERT as the body of a backward pass.</summary>
public sealed partial class DistilBertModel
{
    ForwardResult IDifferentiableBody.ForwardKeep(ForwardInput input, float[]? inputsEmbeds, int threads, CancellationToken cancellationToken) =>
        Run(input, new ForwardOptions { InputsEmbeds = inputsEmbeds, Threads = threads }, cancellationToken).ToResult();

    float[] IDifferentiableBody.WordEmbeddings(ForwardInput input)
    {
        var rows = new float[input.Length * Info.HiddenSize];
        _word.Lookup(input.InputIds, rows, accumulate: false);
        return rows;
    }

    /// <summary>The blocks in reverse, then the embedding LayerNorm at word + position (position rows are constants).</summary>
    float[] IDifferentiableBody.Backward(IKernels kernels, ForwardInput input, float[] inputsEmbeds, ForwardResult forward, float[] dLast, float[]? gradAttentions, CancellationToken cancellationToken)
    {
        int t = forward.Tokens, n = t * forward.Hidden, heads = Info.Heads;
        var bias = AttentionMasks.Padding(input.AttentionMask, t);
        using var scratch = new Scratch(gradAttentions is null ? heads * t * t : 0);
        var dy = (float[])dLast.Clone();
        var dx = new float[n];
        for (int l = _layers.Length - 1; l >= 0; l--)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _layers[l].Backward(kernels, forward.HiddenStates.AsSpan(l * n, n), bias, dy, dx, GradientRunner.LayerBlock(gradAttentions, scratch.Span, l, heads, t), t);
            GradientRunner.CheckLayer(dx, l);
            (dx, dy) = (dy, dx);
        }
        var sum = (float[])inputsEmbeds.Clone();
        _position.Lookup(Enumerable.Range(0, t).ToArray(), sum, accumulate: true);
        var dWords = new float[n];
        _norm.Backward(sum, dy, dWords, t);
        GradientRunner.CheckLayer(dWords, -1);
        return dWords;
    }
}
