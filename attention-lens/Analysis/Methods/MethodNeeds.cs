namespace AttentionLens.Analysis;

/// <summary>What a method needs from the forward pass beyond the attentions every pass returns.</summary>
[Flags]
public enum MethodNeeds
{
    /// <summary>Attentions only.</summary>
    Attentions = 0,
    /// <summary>f_h(x_j) per layer, head and token (<c>ForwardOptions.CaptureValueOutputs</c>).</summary>
    ValueOutputs = 1,
    /// <summary>LayerNorm inputs, outputs and scales of post-norm encoders (<c>ForwardOptions.CapturePostNormTerms</c>).</summary>
    PostNormTerms = 2,
    /// <summary>The model's unembedding applied to intermediate hidden states (<c>ILogitLens</c>).</summary>
    Unembedding = 4,
    /// <summary>The decoders' residual stream around each block (<c>ForwardOptions.CaptureResidualStream</c>).</summary>
    ResidualStream = 16,
    /// <summary>Runs further forward passes of its own (cost grows with T).</summary>
    ExtraForwardPasses = 8,
    /// <summary>A backward pass of the model (<c>IDifferentiableModel</c>): ∂y/∂inputs_embeds of the explained prediction y.</summary>
    Gradients = 32,
    /// <summary>With <see cref="Gradients"/>: also ∂y/∂A, every layer's attention probabilities (L·H·T² floats more).</summary>
    AttentionGradients = 64,
}
