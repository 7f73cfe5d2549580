using AttentionLens.Tensors;

namespace AttentionLens.Models.Bert;

/// <summary><see cref="BertEmbeddings"/> over b sequences of one input (the kept-intermediates gradient path of BERT,
/// ELECTRA and ALBERT): each sequence's own word rows, the input's token types and positions shared.</summary>
public sealed partial class BertEmbeddings
{
    /// <summary>The embedding output of every sequence into <paramref name="output"/>, (b, T, E).</summary>
    internal void ForwardBatch(IKernels kernels, ForwardInput input, int[] positionIds, IReadOnlyList<float[]> embeds, Span<float> output)
    {
        int n = input.Length * _hidden;
        for (int s = 0; s < embeds.Count; s++)
            Forward(kernels, input.InputIds, input.TokenTypeIds, positionIds, output.Slice(s * n, n), embeds[s]);
    }

    /// <summary><see cref="Backward"/> of every sequence: (b, T, E) ∂y/∂(embedding output) to ∂y/∂inputs_embeds, checked finite.</summary>
    internal float[] BackwardBatch(ForwardInput input, int[] positionIds, IReadOnlyList<float[]> embeds, float[] dOut)
    {
        int n = input.Length * _hidden;
        var dWords = new float[embeds.Count * n];
        for (int s = 0; s < embeds.Count; s++)
            Backward(input.InputIds, input.TokenTypeIds, positionIds, embeds[s], dOut.AsSpan(s * n, n), dWords.AsSpan(s * n, n));
        GradientRunner.CheckLayer(dWords, -1);
        return dWords;
    }
}
