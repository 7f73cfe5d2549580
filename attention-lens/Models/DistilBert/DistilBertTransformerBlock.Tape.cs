namespace AttentionLens.Models.DistilBert;

/// <summary><see cref="DistilBertTransformerBlock"/> over a batch with kept intermediates (<see cref="PostNormEncoderTape"/>, query scaled first).</summary>
public sealed partial class DistilBertTransformerBlock
{
    internal ILayerTape Tape(TapeArena arena, float[] bias, int batch, int tokens) =>
        new PostNormEncoderTape(arena, _q, _k, _v, _out, _saNorm, _lin1, _lin2, _outputNorm, _activation, _heads, bias, batch, tokens, scaleQuery: true);

    internal long KeptFloats(int tokens) => PostNormEncoderTape.KeptFloats(tokens, _dim, _hiddenDim, _heads);
}
