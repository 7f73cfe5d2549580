using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Olmo2;

/// <summary>
/// modeling_olmo2.py Olmo2DecoderLayer: norms after the sublayers, not before,
/// h = x + post_attention_layernorm(attn(x)), y = h + post_feedforward_layernorm(mlp(h)); the
/// attention RMS-normalises the whole q and k projections (q_norm, k_norm) before the heads split.
/// </summary>
public sealed partial class Olmo2DecoderLayer : IRotaryDecoderLayer
{
    private readonly RotaryAttention _attention;
    private readonly RmsNorm _postAttentionNorm;
    private readonly GatedFeedForward _mlp;
    private readonly RmsNorm _postFeedForwardNorm;
    private readonly int _hidden;

    private Olmo2DecoderLayer(RotaryAttention attention, RmsNorm postAttentionNorm, GatedFeedForward mlp, RmsNorm postFeedForwardNorm, int hidden)
    {
        _attention = attention;
        _postAttentionNorm = postAttentionNorm;
        _mlp = mlp;
        _postFeedForwardNorm = postFeedForwardNorm;
        _hidden = hidden;
    }

    public static Olmo2DecoderLayer Load(WeightScope w, Olmo2Config c, string configPath)
    {
        int e = c.HiddenSize, h = c.NumAttentionHeads, kv = c.KeyValueHeads, d = c.HeadDim;
        bool b = c.AttentionBias;
        var a = w.Scope("self_attn");
        var attention = new RotaryAttention(
            Linear.Load(a.Scope("q_proj"), e, h * d, b), Linear.Load(a.Scope("k_proj"), e, kv * d, b), Linear.Load(a.Scope("v_proj"), e, kv * d, b), null,
            Linear.Load(a.Scope("o_proj"), h * d, e, b, heads: h), h, kv, d, d, 1f / MathF.Sqrt(d),
            qNorm: RmsNorm.Load(a.Scope("q_norm"), h * d, c.RmsNormEps), kNorm: RmsNorm.Load(a.Scope("k_norm"), kv * d, c.RmsNormEps));
        var m = w.Scope("mlp");
        var mlp = new GatedFeedForward(Linear.Load(m.Scope("gate_proj"), e, c.IntermediateSize, bias: false),
            Linear.Load(m.Scope("up_proj"), e, c.IntermediateSize, bias: false), Linear.Load(m.Scope("down_proj"), c.IntermediateSize, e, bias: false),
            ActivationNames.Parse(c.HiddenAct, "hidden_act", configPath));
        return new Olmo2DecoderLayer(attention, RmsNorm.Load(w.Scope("post_attention_layernorm"), e, c.RmsNormEps), mlp,
            RmsNorm.Load(w.Scope("post_feedforward_layernorm"), e, c.RmsNormEps), e);
    }

    public void Forward(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> bias, RopeTable rope,
        Span<float> probs, Span<float> valueOutputs, int tokens, ResidualStream? stream = null, int layer = 0, int zeroValueToken = -1)
    {
        int n = tokens * _hidden;
        using var aBuffer = new Scratch(n);
        using var hBuffer = new Scratch(n);
        Span<float> a = aBuffer.Span, h = hBuffer.Span;
        _attention.Forward(kernels, x, a, bias, rope, probs, valueOutputs, tokens, zeroValueToken);
        _postAttentionNorm.Forward(kernels, a, h, tokens);
        kernels.Add(h, x);
        if (stream is not null)
        {
            h.CopyTo(stream.Mid(layer));
            _postAttentionNorm.Gains(a, stream.AttentionGain(layer), tokens);
        }
        _mlp.Forward(kernels, h, a, tokens);
        _postFeedForwardNorm.Forward(kernels, a, y, tokens);
        kernels.Add(y[..n], h);
    }

    /// <summary>
    /// a = attn(x), h = norm_a(a) + x, m = mlp(h), y = norm_m(m) + h (norms after the sublayers): dm = norm_mᵀ dy,
    /// dh = dy + mlpᵀ dm, dx = dh + attentionᵀ(norm_aᵀ dh).
    /// </summary>
    public void Backward(IKernels kernels, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, RopeTable rope, ReadOnlySpan<float> dy, Span<float> dx,
        Span<float> dProbs, int tokens)
    {
        int n = tokens * _hidden;
        using var aBuffer = new Scratch(n);
        using var hBuffer = new Scratch(n);
        using var mBuffer = new Scratch(n);
        using var dmBuffer = new Scratch(n);
        using var dhBuffer = new Scratch(n);
        Span<float> a = aBuffer.Span, h = hBuffer.Span, m = mBuffer.Span, dm = dmBuffer.Span, dh = dhBuffer.Span;
        using (var probs = new Scratch(_attention.Heads * tokens * tokens))
            _attention.Forward(kernels, x, a, bias, rope, probs.Span, default, tokens);
        _postAttentionNorm.Forward(kernels, a, h, tokens);
        kernels.Add(h, x);
        _mlp.Forward(kernels, h, m, tokens);
        _postFeedForwardNorm.Backward(m, dy, dm, tokens);
        _mlp.Backward(kernels, h, dm, dh, tokens);
        kernels.Add(dh, dy[..n]);
        _postAttentionNorm.Backward(a, dh, dm, tokens);
        _attention.Backward(kernels, x, dm, dx, bias, rope, dProbs, tokens);
        kernels.Add(dx[..n], dh);
    }
}
