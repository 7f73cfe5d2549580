using AttentionLens.Tensors;

namespace AttentionLens.Models.Bert;

/// <summary>BERT (and RoBERTa / XLM-R) as the body of a backward pass.</summary>
public sealed partial class BertModel : IDifferentiableBody
{
    ForwardResult IDifferentiableBody.ForwardKeep(ForwardInput input, float[]? inputsEmbeds, int threads, CancellationToken cancellationToken) =>
        Run(input, new ForwardOptions { InputsEmbeds = inputsEmbeds, Threads = threads }, cancellationToken).ToResult();

    float[] IDifferentiableBody.WordEmbeddings(ForwardInput input) => _embeddings.Word.LookupRows(input.InputIds);

    float[] IDifferentiableBody.Backward(IKernels kernels, ForwardInput input, float[] inputsEmbeds, ForwardResult forward, float[] dLast, float[]? gradAttentions, CancellationToken cancellationToken)
    {
        int t = forward.Tokens;
        var dh0 = _encoder.Backward(kernels, forward.HiddenStates, AttentionMasks.Padding(input.AttentionMask, t), dLast, gradAttentions, t, Info.Heads, cancellationToken);
        var positions = _robertaPaddingIdx is int pad ? Roberta.RobertaPositionIds.FromInputIds(input.InputIds, pad) : Enumerable.Range(0, t).ToArray();
        var dWords = new float[dh0.Length];
        _embeddings.Backward(input.InputIds, input.TokenTypeIds, positions, inputsEmbeds, dh0, dWords);
        GradientRunner.CheckLayer(dWords, -1);
        return dWords;
    }
}
