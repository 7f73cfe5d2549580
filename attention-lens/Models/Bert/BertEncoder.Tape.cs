namespace AttentionLens.Models.Bert;

/// <summary><see cref="BertEncoder"/>'s layers as tapes (<see cref="IBatchedDifferentiableBody"/>).</summary>
public sealed partial class BertEncoder
{
    internal ILayerTape LayerTape(int layer, TapeArena arena, float[] bias, int batch, int tokens) => _layers[layer].Tape(arena, bias, batch, tokens);

    /// <summary>Floats all layers' tapes keep for one sequence of <paramref name="tokens"/>.</summary>
    internal long KeptFloats(int tokens) => _layers.Sum(layer => layer.KeptFloats(tokens));
}
