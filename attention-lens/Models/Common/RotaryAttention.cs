using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// The eager self-attention the rotary decoder families share (modeling_llama.py LlamaAttention and
/// its descendants), with the variations each family adds as parameters:
/// q, k, v projections (separate, or Phi-3's fused qkv_proj laid out [q | k | v]); OLMo-2's RMSNorm
/// of the whole q and k projections before the heads split (q_norm, k_norm); rotary embeddings on
/// the first rotaryDim features of each head (Phi, GPT-NeoX-style partial rotary); grouped-query
/// attention; scores scaled by <c>scale</c> (head_dim^−½, Gemma 2 query_pre_attn_scalar^−½),
/// soft-capped (Gemma 2) or not; the output projection (o_proj, Phi's dense).
/// </summary>
public sealed partial class RotaryAttention
{
    private readonly Linear? _q;
    private readonly Linear? _k;
    private readonly Linear? _v;
    private readonly Linear? _qkv;
    private readonly Linear _o;
    private readonly RmsNorm? _qNorm;
    private readonly RmsNorm? _kNorm;
    private readonly int _heads;
    private readonly int _kvHeads;
    private readonly int _headDim;
    private readonly int _rotaryDim;
    private readonly float _scale;
    private readonly float? _softCap;

    /// <summary>Separate q/k/v projections (<paramref name="qkv"/> null) or one fused projection (q, k, v null).</summary>
    public RotaryAttention(Linear? q, Linear? k, Linear? v, Linear? qkv, Linear o, int heads, int kvHeads, int headDim, int rotaryDim,
        float scale, float? softCap = null, RmsNorm? qNorm = null, RmsNorm? kNorm = null)
    {
        if (qkv is null && (q is null || k is null || v is null)) throw new ArgumentException("give q, k and v, or a fused qkv projection.");
        _q = q;
        _k = k;
        _v = v;
        _qkv = qkv;
        _o = o;
        _qNorm = qNorm;
        _kNorm = kNorm;
        _heads = heads;
        _kvHeads = kvHeads;
        _headDim = headDim;
        _rotaryDim = rotaryDim;
        _scale = scale;
        _softCap = softCap;
    }

    /// <param name="x">(T, C) normed input.</param>
    /// <param name="output">(T, C) the output projection of the attention.</param>
    /// <param name="rope">Cos/sin of rotaryDim/2 frequencies for positions 0..T−1.</param>
    public void Forward(IKernels kernels, ReadOnlySpan<float> x, Span<float> output, ReadOnlySpan<float> bias, RopeTable rope,
        Span<float> probs, Span<float> valueOutputs, int tokens, int zeroValueToken = -1)
    {
        int qWidth = _heads * _headDim, kvWidth = _kvHeads * _headDim;
        using var qBuffer = new Scratch(tokens * qWidth);
        using var kBuffer = new Scratch(tokens * kvWidth);
        using var vBuffer = new Scratch(tokens * kvWidth);
        Span<float> q = qBuffer.Span, k = kBuffer.Span, v = vBuffer.Span;
        Project(kernels, x, tokens, rope, q, k, v);
        // Value zeroing: token j's value in every key/value head (the projection's output, bias included).
        if (zeroValueToken >= 0) v.Slice(zeroValueToken * kvWidth, kvWidth).Clear();
        using var contextBuffer = new Scratch(tokens * qWidth);
        var context = contextBuffer.Span;
        if (_softCap is null)
            kernels.Attention(q, k, v, bias, probs, context, tokens, _heads, _kvHeads, _headDim, _scale);
        else
            SoftCappedAttention.Forward(kernels, q, k, v, bias, probs, context, tokens, _heads, _kvHeads, _headDim, _scale, _softCap);
        if (!valueOutputs.IsEmpty)
            ScaledDotProductAttention.ValueOutputs(kernels, v, tokens, _heads, _kvHeads, _headDim, _o, valueOutputs, _o.OutFeatures);
        _o.Forward(kernels, context, output, tokens);
    }

    private static void NormInPlace(IKernels kernels, RmsNorm norm, Span<float> x, int tokens)
    {
        using var copyBuffer = new Scratch(x.Length);
        NormInPlace(kernels, norm, x, copyBuffer.Span, tokens);
    }

    /// <summary>x ← norm(x), the input left in <paramref name="input"/> (what the norm's backward reads).</summary>
    private static void NormInPlace(IKernels kernels, RmsNorm norm, Span<float> x, Span<float> input, int tokens)
    {
        x.CopyTo(input);
        norm.Forward(kernels, input, x, tokens);
    }

    /// <summary>q, k, v of <paramref name="rows"/> rows from the separate projections or the fused qkv_proj ([q | k | v]
    /// per row); with <paramref name="queries"/> false and separate projections, k and v only.</summary>
    private void Projections(IKernels kernels, ReadOnlySpan<float> x, Span<float> q, Span<float> k, Span<float> v, int rows, bool queries = true)
    {
        int qWidth = _heads * _headDim, kvWidth = _kvHeads * _headDim;
        if (_qkv is not null)
        {
            int width = qWidth + 2 * kvWidth;
            using var fusedBuffer = new Scratch(rows * width);
            var fused = fusedBuffer.Span;
            _qkv.Forward(kernels, x, fused, rows);
            for (int r = 0; r < rows; r++)
            {
                var row = fused.Slice(r * width, width);
                row[..qWidth].CopyTo(q.Slice(r * qWidth, qWidth));
                row.Slice(qWidth, kvWidth).CopyTo(k.Slice(r * kvWidth, kvWidth));
                row.Slice(qWidth + kvWidth, kvWidth).CopyTo(v.Slice(r * kvWidth, kvWidth));
            }
        }
        else
        {
            if (queries) _q!.Forward(kernels, x, q, rows);
            _k!.Forward(kernels, x, k, rows);
            _v!.Forward(kernels, x, v, rows);
        }
    }

    /// <summary>dx = q_projᵀ dq + k_projᵀ dk + v_projᵀ dv, the transpose of <see cref="Projections"/> (the fused
    /// qkv_proj takes [dq | dk | dv] per row).</summary>
    private void ProjectionsBackward(IKernels kernels, ReadOnlySpan<float> dq, ReadOnlySpan<float> dk, ReadOnlySpan<float> dv, Span<float> dx, int rows)
    {
        int qWidth = _heads * _headDim, kvWidth = _kvHeads * _headDim, n = dx.Length / rows * rows;
        if (_qkv is not null)
        {
            int width = qWidth + 2 * kvWidth;
            using var fusedBuffer = new Scratch(rows * width);
            var fused = fusedBuffer.Span;
            for (int r = 0; r < rows; r++)
            {
                var row = fused.Slice(r * width, width);
                dq.Slice(r * qWidth, qWidth).CopyTo(row);
                dk.Slice(r * kvWidth, kvWidth).CopyTo(row.Slice(qWidth));
                dv.Slice(r * kvWidth, kvWidth).CopyTo(row.Slice(qWidth + kvWidth));
            }
            _qkv.Backward(kernels, fused, dx, rows);
            return;
        }
        using var partBuffer = new Scratch(n);
        var part = partBuffer.Span;
        _q!.Backward(kernels, dq, dx, rows);
        _k!.Backward(kernels, dk, part, rows);
        kernels.Add(dx[..n], part);
        _v!.Backward(kernels, dv, part, rows);
        kernels.Add(dx[..n], part);
    }
}
