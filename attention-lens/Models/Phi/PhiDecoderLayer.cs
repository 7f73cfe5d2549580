using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Phi;

/// <summary>
/// modeling_phi.py PhiDecoderLayer, a parallel block (GPT-J style): one input_layernorm feeds both
/// the attention (q/k/v_proj with biases, partial rotary, dense) and the MLP (fc1, gelu_new, fc2):
/// y = attn(ln(x)) + mlp(ln(x)) + x.
/// </summary>
public sealed partial class PhiDecoderLayer : IRotaryDecoderLayer
{
    private readonly LayerNorm _norm;
    private readonly RotaryAttention _attention;
    private readonly FeedForward _mlp;
    private readonly int _hidden;

    private PhiDecoderLayer(LayerNorm norm, RotaryAttention attention, FeedForward mlp, int hidden)
    {
        _norm = norm;
        _attention = attention;
        _mlp = mlp;
        _hidden = hidden;
    }

    public static PhiDecoderLayer Load(WeightScope w, PhiConfig c, int rotaryDim, string configPath)
    {
        int e = c.HiddenSize, h = c.NumAttentionHeads, kv = c.KeyValueHeads, d = c.HeadDim;
        var a = w.Scope("self_attn");
        var attention = new RotaryAttention(
            Linear.Load(a.Scope("q_proj"), e, h * d), Linear.Load(a.Scope("k_proj"), e, kv * d), Linear.Load(a.Scope("v_proj"), e, kv * d), null,
            Linear.Load(a.Scope("dense"), h * d, e, heads: h), h, kv, d, rotaryDim, 1f / MathF.Sqrt(d));
        var mlp = new FeedForward(
            Linear.Load(w.Scope("mlp").Scope("fc1"), e, c.IntermediateSize),
            ActivationNames.Parse(c.HiddenAct, "hidden_act", configPath),
            Linear.Load(w.Scope("mlp").Scope("fc2"), c.IntermediateSize, e));
        return new PhiDecoderLayer(LayerNorm.Load(w.Scope("input_layernorm"), e, c.LayerNormEps), attention, mlp, e);
    }

    public void Forward(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> bias, RopeTable rope,
        Span<float> probs, Span<float> valueOutputs, int tokens, ResidualStream? stream = null, int layer = 0, int zeroValueToken = -1)
    {
        int n = tokens * _hidden;
        using var normedBuffer = new Scratch(n);
        using var attendedBuffer = new Scratch(n);
        Span<float> normed = normedBuffer.Span, attended = attendedBuffer.Span;
        _norm.Forward(kernels, x, normed, tokens);
        _attention.Forward(kernels, normed, attended, bias, rope, probs, valueOutputs, tokens, zeroValueToken);
        // Parallel block: Mid = x + attention, what the MLP's output is added to (docs/methods.md#routes).
        if (stream is not null) GptNeoX.GptNeoXLayer.ResidualSum(attended, x, stream.Mid(layer));
        _mlp.Forward(kernels, normed, y, tokens);
        // transformers: attn_outputs + feed_forward_hidden_states + residual, left to right.
        kernels.Add(attended, y[..n]);
        attended.CopyTo(y);
        kernels.Add(y[..n], x);
    }

    /// <summary>y = attn(n) + mlp(n) + x with n = ln(x): dx = dy + lnᵀ(attentionᵀ dy + mlpᵀ dy).</summary>
    public void Backward(IKernels kernels, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, RopeTable rope, ReadOnlySpan<float> dy, Span<float> dx,
        Span<float> dProbs, int tokens)
    {
        int n = tokens * _hidden;
        using var normedBuffer = new Scratch(n);
        using var dnBuffer = new Scratch(n);
        using var partBuffer = new Scratch(n);
        Span<float> normed = normedBuffer.Span, dn = dnBuffer.Span, part = partBuffer.Span;
        _norm.Forward(kernels, x, normed, tokens);
        _attention.Backward(kernels, normed, dy, dn, bias, rope, dProbs, tokens);
        _mlp.Backward(kernels, normed, dy, part, tokens);
        kernels.Add(dn, part);
        _norm.Backward(x, dn, dx, tokens);
        kernels.Add(dx[..n], dy[..n]);
    }
}
