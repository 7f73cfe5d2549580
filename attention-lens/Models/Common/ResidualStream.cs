namespace AttentionLens.Models;

/// <summary>
/// The residual stream of a decoder around each block (information-flow routes;
/// docs/methods.md#routes): per layer l, <see cref="Mid"/> = x_l + attention output (what the FFN
/// block adds to) and <see cref="Post"/> = the layer's output before any final norm (for the last
/// layer, the final norm's input, which <c>hidden_states[L]</c> is not). Shapes (L, T, C). In a parallel
/// block (GPT-NeoX with use_parallel_residual, Phi) the FFN reads the layer input, not Mid; Mid is then
/// x_l + attention output all the same, so Post = Mid + FFN output still holds.
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

    /// <summary>
    /// (L, T, C), or null when every layer adds its attention output as it is: where a norm follows the
    /// attention before the residual add (Gemma 2's and OLMo 2's post_attention_layernorm), the factor
    /// γ_k / rms(a_i) by which that RMSNorm, its statistics fixed to the real output a_i's, maps each
    /// part of a_i — linear, and without centring, so the mapped parts still sum to what is added
    /// (docs/methods.md#routes). Rows of layers without such a norm are 1.
    /// </summary>
    public float[]? AttentionGains { get; private set; }

    /// <summary>The (T, C) gains of <paramref name="layer"/> for the layer to write; allocates them (all 1) on first use.</summary>
    public Span<float> AttentionGain(int layer)
    {
        if (AttentionGains is null)
        {
            AttentionGains = new float[MidStates.Length];
            Array.Fill(AttentionGains, 1f);
        }
        return AttentionGains.AsSpan(layer * Tokens * Hidden, Tokens * Hidden);
    }
    public Span<float> Post(int layer) => PostStates.AsSpan(layer * Tokens * Hidden, Tokens * Hidden);
}
