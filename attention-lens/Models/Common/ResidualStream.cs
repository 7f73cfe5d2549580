namespace AttentionLens.Models;

/// <summary>
/// The residual stream of a pre-norm decoder around each block (information-flow routes;
/// docs/methods.md#routes): per layer l, <see cref="Mid"/> = x_l + attention output (what the FFN
/// block adds to) and <see cref="Post"/> = the layer's output before any final norm (for the last
/// layer, the final norm's input, which <c>hidden_states[L]</c> is not). Shapes (L, T, C).
/// Captured only when <see cref="ForwardOptions.CaptureResidualStream"/> is set.
/// </summary>
public sealed class ResidualStream(int layers, int tokens, int hidden)
{
    public int Layers { get; } = layers;
    public int Tokens { get; } = tokens;
    public int Hidden { get; } = hidden;
    public float[] MidStates { get; } = new float[checked(layers * tokens * hidden)];
    public float[] PostStates { get; } = new float[checked(layers * tokens * hidden)];

    public Span<float> Mid(int layer) => MidStates.AsSpan(layer * Tokens * Hidden, Tokens * Hidden);
    public Span<float> Post(int layer) => PostStates.AsSpan(layer * Tokens * Hidden, Tokens * Hidden);
}
