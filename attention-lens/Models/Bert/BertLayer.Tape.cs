namespace AttentionLens.Models.Bert;

/// <summary><see cref="BertLayer"/> over a batch with kept intermediates (<see cref="PostNormEncoderTape"/>).</summary>
public sealed partial class BertLayer
{
    internal ILayerTape Tape(TapeArena arena, float[] bias, int batch, int tokens) =>
        new PostNormEncoderTape(arena, _attention.Query, _attention.Key, _attention.Value, _attentionOutput.Dense, _attentionOutput.Norm,
            _intermediate, _output.Dense, _output.Norm, _activation, _attention.Heads, bias, batch, tokens);

    internal long KeptFloats(int tokens) => PostNormEncoderTape.KeptFloats(tokens, _hidden, _ffn, _attention.Heads);
}
