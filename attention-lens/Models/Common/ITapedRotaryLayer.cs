using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>A rotary decoder layer with a tape (<see cref="ILayerTape"/>): <see cref="RotaryDecoderModel"/> keeps its
/// intermediates when every layer is one.</summary>
internal interface ITapedRotaryLayer
{
    ILayerTape Tape(TapeArena arena, float[] bias, RopeTable rope, int batch, int tokens);

    /// <summary>Floats one sequence of <paramref name="tokens"/> keeps in the tape (the layer's input is a kept hidden state).</summary>
    long KeptFloats(int tokens);
}
