using AttentionLens.Tensors;

namespace AttentionLens.Models.Albert;

/// <summary>ALBERT as a batched body with kept intermediates: embeddings (in E) per sequence, embedding_hidden_mapping_in
/// and the shared layers over b·T rows — one tape per layer application, so a group's weights are taped once per use.</summary>
public sealed partial class AlbertModel : IBatchedDifferentiableBody
{
    long IBatchedDifferentiableBody.KeptFloatsPerSequence(int tokens) =>
        BatchTape.StateFloats(Info, tokens) + Enumerable.Range(0, Info.Layers).Sum(l => _groups[_config.GroupOf(l)].KeptFloats(tokens));

    BatchTape IBatchedDifferentiableBody.ForwardBatch(IKernels kernels, ForwardInput input, IReadOnlyList<float[]> embeds, TapeArena arena, bool attentions,
        CancellationToken cancellationToken)
    {
        int t = input.Length, e = _config.EmbeddingSize, b = embeds.Count;
        EncoderInputs.Check(input, Info.MaxPositions);
        var positions = Enumerable.Range(0, t).ToArray();
        var tape = BatchTape.Begin(arena, Info, b, t, finalNorm: null);
        using (var embeddedBuffer = new Scratch(b * t * e))
        {
            _embeddings.ForwardBatch(kernels, input, positions, embeds, embeddedBuffer.Span);
            _mappingIn.Forward(kernels, embeddedBuffer.Span, tape.Embedded, b * t);
        }
        var bias = AttentionMasks.Padding(input.AttentionMask, t);
        tape.Forward(kernels, (l, a) => _groups[_config.GroupOf(l)].Tape(a, bias, b, t), attentions, cancellationToken);
        return tape;
    }

    float[] IBatchedDifferentiableBody.BackwardBatch(IKernels kernels, ForwardInput input, IReadOnlyList<float[]> embeds, BatchTape tape, float[] dLast,
        float[]? gradAttentions, CancellationToken cancellationToken)
    {
        int t = input.Length, e = _config.EmbeddingSize, b = embeds.Count;
        var dh0 = tape.Backward(kernels, dLast, gradAttentions, cancellationToken);
        var dEmbedded = new float[b * t * e];
        _mappingIn.Backward(kernels, dh0, dEmbedded, b * t);
        return _embeddings.BackwardBatch(input, Enumerable.Range(0, t).ToArray(), embeds, dEmbedded);
    }
}
