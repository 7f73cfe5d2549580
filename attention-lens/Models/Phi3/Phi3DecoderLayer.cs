using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Phi3;

/// <summary>
/// modeling_phi3.py Phi3DecoderLayer (Llama's pre-norm layout): h = x + attn(rms₁(x)),
/// y = h + mlp(rms₂(h)), with Phi3Attention's fused qkv_proj (output [q | k | v]) and Phi3MLP's fused
/// gate_up_proj (output [gate | up], y = down(up ⊙ act(gate))).
/// </summary>
public sealed class Phi3DecoderLayer : PreNormDecoderLayer
{
    private Phi3DecoderLayer(RmsNorm inputNorm, RotaryAttention attention, RmsNorm postNorm, GatedFeedForward mlp, int hidden)
        : base(inputNorm, attention, postNorm, mlp, hidden)
    {
    }

    public static Phi3DecoderLayer Load(WeightScope w, Phi3Config c, string configPath)
    {
        int e = c.HiddenSize, h = c.NumAttentionHeads, kv = c.KeyValueHeads, d = c.HeadDim;
        var a = w.Scope("self_attn");
        var attention = new RotaryAttention(null, null, null, Linear.Load(a.Scope("qkv_proj"), e, (h + 2 * kv) * d, bias: false),
            Linear.Load(a.Scope("o_proj"), h * d, e, bias: false, heads: h), h, kv, d, d, 1f / MathF.Sqrt(d));
        var mlp = new GatedFeedForward(
            Linear.Load(w.Scope("mlp").Scope("gate_up_proj"), e, 2 * c.IntermediateSize, bias: false),
            Linear.Load(w.Scope("mlp").Scope("down_proj"), c.IntermediateSize, e, bias: false),
            ActivationNames.Parse(c.HiddenAct, "hidden_act", configPath));
        return new Phi3DecoderLayer(RmsNorm.Load(w.Scope("input_layernorm"), e, c.RmsNormEps), attention,
            RmsNorm.Load(w.Scope("post_attention_layernorm"), e, c.RmsNormEps), mlp, e);
    }
}
