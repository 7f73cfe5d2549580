using AttentionLens.Tensors;

namespace AttentionLens.Models.Electra;

/// <summary>ELECTRA as the body of a backward pass: BERT's encoder and embeddings, with embeddings_project between.</summary>
public sealed partial class ElectraModel
{
    int IDifferentiableBody.EmbeddingSize => _embeddingSize;

    ForwardResult IDifferentiableBody.ForwardKeep(ForwardInput input, float[]? inputsEmbeds, int threads, CancellationToken cancellationToken) =>
        Run(input, new ForwardOptions { InputsEmbeds = inputsEmbeds, Threads = threads }, cancellationToken).ToResult();

    float[] IDifferentiableBody.WordEmbeddings(ForwardInput input) => _embeddings.Word.LookupRows(input.InputIds);

    float[] IDifferentiableBody.Backward(IKernels kernels, ForwardInput input, float[] inputsEmbeds, ForwardResult forward, float[] dLast, float[]? gradAttentions, CancellationToken cancellationToken)
    {
        int t = forward.Tokens;
        var dh0 = _encoder.Backward(kernels, forward.HiddenStates, AttentionMasks.Padding(input.AttentionMask, t), dLast, gradAttentions, t, Info.Heads, cancellationToken);
        var dEmbedded = dh0;
        if (_project is not null)
        {
            dEmbedded = new float[t * _embeddingSize];
            _project.Backward(kernels, dh0, dEmbedded, t);
        }
        var dWords = new float[t * _embeddingSize];
        _embeddings.Backward(input.InputIds, input.TokenTypeIds, Enumerable.Range(0, t).ToArray(), inputsEmbeds, dEmbedded, dWords);
        GradientRunner.CheckLayer(dWords, -1);
        return dWords;
    }
}
