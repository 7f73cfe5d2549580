using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Phi3;

/// <summary>
/// modeling_phi3.py Phi3DecoderLayer (Llama's pre-norm layout): h = x + attn(rms₁(x)),
/// y = h + mlp(rms₂(h)), with Phi3Attention's fused qkv_proj (output [q | k | v]) and Phi3MLP's fused
/// gate_up_proj (output [gate | up], y = down(up ⊙ act(gate))).
/// </summary>
public sealed class Phi3DecoderLayer
{
    private readonly RmsNorm _inputNorm;
    private readonly RotaryAttention _attention;
    private readonly RmsNorm _postNorm;
    private readonly GatedFeedForward _mlp;
    private readonly int _hidden;

    private Phi3DecoderLayer(RmsNorm inputNorm, RotaryAttention attention, RmsNorm postNorm, GatedFeedForward mlp, int hidden)
    {
        _inputNorm = inputNorm;
        _attention = attention;
        _postNorm = postNorm;
        _mlp = mlp;
        _hidden = hidden;
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

    public void Forward(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> bias, RopeTable rope,
        Span<float> probs, Span<float> valueOutputs, int tokens)
    {
        int n = tokens * _hidden;
        using var normedBuffer = new Scratch(n);
        using var attendedBuffer = new Scratch(n);
        Span<float> normed = normedBuffer.Span, attended = attendedBuffer.Span;
        _inputNorm.Forward(kernels, x, normed, tokens);
        _attention.Forward(kernels, normed, attended, bias, rope, probs, valueOutputs, tokens);
        kernels.Add(attended, x);
        _postNorm.Forward(kernels, attended, normed, tokens);
        _mlp.Forward(kernels, normed, y, tokens);
        kernels.Add(y[..n], attended);
    }
}
