using AttentionLens.Tensors;

namespace AttentionLens.Models.Heads;

/// <summary>A task head on an encoder's sequence output (T, C); it fills its own <see cref="HeadOutputs"/> fields.</summary>
public interface IEncoderHead
{
    ModelHead Kind { get; }

    /// <summary>Classes (sequence or token classification), or 0.</summary>
    int NumLabels { get; }

    /// <param name="sequence">(T, C) the body's last hidden state.</param>
    HeadOutputs Forward(IKernels kernels, ReadOnlySpan<float> sequence, int tokens);
}
