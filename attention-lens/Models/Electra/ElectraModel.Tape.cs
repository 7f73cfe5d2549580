using AttentionLens.Tensors;

namespace AttentionLens.Models.Electra;

/// <summary>ELECTRA as a batched body with kept intermediates: BERT's embeddings per sequence, embeddings_project and
/// BERT's encoder over b·T rows (<see cref="BatchTape"/>), then embeddings_projectᵀ and the embeddings' backward.</summary>
public sealed partial class ElectraModel : IBatchedDifferentiableBody
{
    long IBatchedDifferentiableBody.KeptFloatsPerSequence(int tokens) =>
        BatchTape.StateFloats(Info, tokens) + _encoder.KeptFloats(tokens);

    BatchTape IBatchedDifferentiableBody.ForwardBatch(IKernels kernels, ForwardInput input, IReadOnlyList<float[]> embeds, TapeArena arena, bool attentions,
        CancellationToken cancellationToken)
    {
        int t = input.Length, e = _embeddingSize, b = embeds.Count;
        EncoderInputs.Check(input, Info.MaxPositions);
        var positions = Enumerable.Range(0, t).ToArray();
        var bias = AttentionMasks.Padding(input.AttentionMask, t);
        var tape = BatchTape.Begin(arena, Info, b, t, finalNorm: null);
        if (_project is null)
        {
            _embeddings.ForwardBatch(kernels, input, positions, embeds, tape.Embedded);
        }
        else
        {
            using var embeddedBuffer = new Scratch(b * t * e);
            _embeddings.ForwardBatch(kernels, input, positions, embeds, embeddedBuffer.Span);
            _project.Forward(kernels, embeddedBuffer.Span, tape.Embedded, b * t);
        }
        tape.Forward(kernels, (l, a) => _encoder.LayerTape(l, a, bias, b, t), attentions, cancellationToken);
        return tape;
    }

    float[] IBatchedDifferentiableBody.BackwardBatch(IKernels kernels, ForwardInput input, IReadOnlyList<float[]> embeds, BatchTape tape, float[] dLast,
        float[]? gradAttentions, CancellationToken cancellationToken)
    {
        int t = input.Length, e = _embeddingSize, b = embeds.Count;
        var dh0 = tape.Backward(kernels, dLast, gradAttentions, cancellationToken);
        var dEmbedded = dh0;
        if (_project is not null)
        {
            dEmbedded = new float[b * t * e];
            _project.Backward(kernels, dh0, dEmbedded, b * t);
        }
        return _embeddings.BackwardBatch(input, Enumerable.Range(0, t).ToArray(), embeds, dEmbedded);
    }
}
