using AttentionLens.Checkpoints;
using AttentionLens.Models.Gemma;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Gemma2;

/// <summary>
/// modeling_gemma2.py Gemma2DecoderLayer: norms before and after both sublayers,
/// h = x + post_attention_layernorm(attn(input_layernorm(x))),
/// y = h + post_feedforward_layernorm(mlp(pre_feedforward_layernorm(h))). Scores are scaled by
/// query_pre_attn_scalar^−½ and soft-capped by attn_logit_softcapping before the mask; even layers
/// (is_sliding = not layer_idx % 2) see only the last sliding_window keys.
/// </summary>
public sealed partial class Gemma2DecoderLayer
{
    private readonly GemmaRmsNorm _inputNorm;
    private readonly RotaryAttention _attention;
    private readonly GemmaRmsNorm _postAttentionNorm;
    private readonly GemmaRmsNorm _preFeedForwardNorm;
    private readonly GatedFeedForward _mlp;
    private readonly GemmaRmsNorm _postFeedForwardNorm;
    private readonly int _hidden;

    private Gemma2DecoderLayer(GemmaRmsNorm inputNorm, RotaryAttention attention, GemmaRmsNorm postAttentionNorm, GemmaRmsNorm preFeedForwardNorm,
        GatedFeedForward mlp, GemmaRmsNorm postFeedForwardNorm, bool isSliding, int hidden)
    {
        _inputNorm = inputNorm;
        _attention = attention;
        _postAttentionNorm = postAttentionNorm;
        _preFeedForwardNorm = preFeedForwardNorm;
        _mlp = mlp;
        _postFeedForwardNorm = postFeedForwardNorm;
        IsSliding = isSliding;
        _hidden = hidden;
    }

    /// <summary>True for the local (sliding-window) layers: 0, 2, 4…</summary>
    public bool IsSliding { get; }

    public static Gemma2DecoderLayer Load(WeightScope w, GemmaConfig c, int layer, string configPath)
    {
        GemmaRmsNorm Norm(string name) => GemmaRmsNorm.Load(w.Scope(name), c.HiddenSize, c.RmsNormEps);
        float scale = (float)Math.Pow(c.QueryPreAttnScalar!.Value, -0.5);
        float? cap = c.AttnLogitSoftcapping is double s ? (float)s : null;
        return new Gemma2DecoderLayer(
            Norm("input_layernorm"),
            GemmaDecoderLayer.LoadAttention(w.Scope("self_attn"), c, scale, cap),
            Norm("post_attention_layernorm"),
            Norm("pre_feedforward_layernorm"),
            GemmaDecoderLayer.LoadMlp(w.Scope("mlp"), c, configPath),
            Norm("post_feedforward_layernorm"),
            layer % 2 == 0, c.HiddenSize);
    }

    public void Forward(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> bias, RopeTable rope,
        Span<float> probs, Span<float> valueOutputs, int tokens, ResidualStream? stream = null, int layer = 0, int zeroValueToken = -1)
    {
        int n = tokens * _hidden;
        using var aBuffer = new Scratch(n);
        using var bBuffer = new Scratch(n);
        using var hBuffer = new Scratch(n);
        Span<float> a = aBuffer.Span, b = bBuffer.Span, h = hBuffer.Span;
        _inputNorm.Forward(kernels, x, a, tokens);
        _attention.Forward(kernels, a, b, bias, rope, probs, valueOutputs, tokens, zeroValueToken);
        _postAttentionNorm.Forward(kernels, b, h, tokens);
        kernels.Add(h, x);
        if (stream is not null)
        {
            h.CopyTo(stream.Mid(layer));
            _postAttentionNorm.Gains(b, stream.AttentionGain(layer), tokens);
        }
        _preFeedForwardNorm.Forward(kernels, h, a, tokens);
        _mlp.Forward(kernels, a, b, tokens);
        _postFeedForwardNorm.Forward(kernels, b, y, tokens);
        kernels.Add(y[..n], h);
    }
}
