namespace AttentionLens.Models.Albert;

/// <summary><see cref="AlbertLayer"/> over a batch with kept intermediates (<see cref="PostNormEncoderTape"/>).</summary>
public sealed partial class AlbertLayer
{
    internal ILayerTape Tape(TapeArena arena, float[] bias, int batch, int tokens) =>
        new PostNormEncoderTape(arena, _query, _key, _value, _dense, _attentionNorm, _ffn, _ffnOutput, _fullNorm, _activation, _heads, bias, batch, tokens);

    internal long KeptFloats(int tokens) => PostNormEncoderTape.KeptFloats(tokens, _hidden, _ffnSize, _heads);
}
