using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Gemma;

/// <summary>
/// modeling_gemma.py GemmaDecoderLayer (Llama's pre-norm layout with Gemma's norms):
/// h = x + attn(norm₁(x)), y = h + mlp(norm₂(h)), GemmaMLP = down(gelu_tanh(gate(·)) ⊙ up(·)), scores
/// scaled by head_dim^−½ with head_dim from the config (not hidden / heads).
/// </summary>
public sealed class GemmaDecoderLayer : PreNormDecoderLayer
{
    private GemmaDecoderLayer(GemmaRmsNorm inputNorm, RotaryAttention attention, GemmaRmsNorm postNorm, GatedFeedForward mlp, int hidden)
        : base(inputNorm, attention, postNorm, mlp, hidden)
    {
    }

    /// <summary>Gemma's q/k/v/o projections and gated MLP (Gemma 2 reuses them with its own scale and cap).</summary>
    public static RotaryAttention LoadAttention(WeightScope a, GemmaConfig c, float scale, float? softCap)
    {
        int e = c.HiddenSize, h = c.NumAttentionHeads, kv = c.KeyValueHeads, d = c.HeadDim;
        return new RotaryAttention(
            Linear.Load(a.Scope("q_proj"), e, h * d, c.AttentionBias), Linear.Load(a.Scope("k_proj"), e, kv * d, c.AttentionBias),
            Linear.Load(a.Scope("v_proj"), e, kv * d, c.AttentionBias), null,
            Linear.Load(a.Scope("o_proj"), h * d, e, c.AttentionBias, heads: h), h, kv, d, d, scale, softCap);
    }

    public static GatedFeedForward LoadMlp(WeightScope m, GemmaConfig c, string configPath) => new(
        Linear.Load(m.Scope("gate_proj"), c.HiddenSize, c.IntermediateSize, bias: false),
        Linear.Load(m.Scope("up_proj"), c.HiddenSize, c.IntermediateSize, bias: false),
        Linear.Load(m.Scope("down_proj"), c.IntermediateSize, c.HiddenSize, bias: false),
        ActivationNames.Parse(c.Activation, "hidden_activation", configPath));

    public static GemmaDecoderLayer Load(WeightScope w, GemmaConfig c, string configPath) => new(
        GemmaRmsNorm.Load(w.Scope("input_layernorm"), c.HiddenSize, c.RmsNormEps),
        LoadAttention(w.Scope("self_attn"), c, 1f / MathF.Sqrt(c.HeadDim), null),
        GemmaRmsNorm.Load(w.Scope("post_attention_layernorm"), c.HiddenSize, c.RmsNormEps),
        LoadMlp(w.Scope("mlp"), c, configPath),
        c.HiddenSize);
}
