using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Gpt2;

/// <summary>
/// modeling_gpt2.py GPT2Block (pre-norm): h = x + c_proj(attn(ln_1(x))), y = h + mlp(ln_2(h)), with
/// GPT2Attention._attn: scores = Q Kᵀ / √D (scale_attn_weights) / (layer + 1)
/// (scale_attn_by_inverse_layer_idx), causal mask, padding mask, softmax, · V.
/// </summary>
public sealed partial class Gpt2Block
{
    private readonly LayerNorm _ln1;
    private readonly Conv1D _cAttn;
    private readonly Conv1D _attnProj;
    private readonly LayerNorm _ln2;
    private readonly Conv1D _cFc;
    private readonly Conv1D _mlpProj;
    private readonly Activation _activation;
    private readonly float _divisor;
    private readonly int _hidden;
    private readonly int _heads;
    private readonly int _inner;

    private Gpt2Block(LayerNorm ln1, Conv1D cAttn, Conv1D attnProj, LayerNorm ln2, Conv1D cFc, Conv1D mlpProj, Activation activation, float divisor, int hidden, int heads, int inner)
    {
        _ln1 = ln1;
        _cAttn = cAttn;
        _attnProj = attnProj;
        _ln2 = ln2;
        _cFc = cFc;
        _mlpProj = mlpProj;
        _activation = activation;
        _divisor = divisor;
        _hidden = hidden;
        _heads = heads;
        _inner = inner;
    }

    public static Gpt2Block Load(WeightScope w, Gpt2Config c, int layer, string configPath)
    {
        int e = c.NEmbd;
        float divisor = 1f;
        if (c.ScaleAttnWeights) divisor *= MathF.Sqrt(c.HeadDim);
        if (c.ScaleAttnByInverseLayerIdx) divisor *= layer + 1;
        return new Gpt2Block(
            LayerNorm.Load(w.Scope("ln_1"), e, c.LayerNormEpsilon),
            Conv1D.Load(w.Scope("attn").Scope("c_attn"), e, 3 * e),
            Conv1D.Load(w.Scope("attn").Scope("c_proj"), e, e),
            LayerNorm.Load(w.Scope("ln_2"), e, c.LayerNormEpsilon),
            Conv1D.Load(w.Scope("mlp").Scope("c_fc"), e, c.Inner),
            Conv1D.Load(w.Scope("mlp").Scope("c_proj"), c.Inner, e),
            ActivationNames.Parse(c.ActivationFunction, "activation_function", configPath),
            divisor, e, c.NHead, c.Inner);
    }

    /// <param name="x">(T, C) input.</param>
    /// <param name="y">(T, C) output.</param>
    /// <param name="residualMid">(T, C) receives x + attention output, or empty.</param>
    /// <param name="keysOut">(T, C) receives the keys when not empty (a <see cref="KeyValueCache"/>); <paramref name="valuesOut"/> the values.</param>
    /// <param name="zeroValueToken">Token whose value vectors (c_attn's value slice, bias included) are zeroed in every head, or −1 (value zeroing).</param>
    /// <param name="outputRows">When given (the last block, <see cref="LastLayerRows"/>), only these
    /// rows' outputs are computed and <paramref name="y"/> is (R, C); residualMid must be empty.</param>
    public void Forward(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> bias, Span<float> probs, Span<float> valueOutputs, int tokens,
        Span<float> residualMid = default, Span<float> keysOut = default, Span<float> valuesOut = default, int zeroValueToken = -1, int[]? outputRows = null)
    {
        int n = tokens * _hidden;
        using var normedBuffer = new Scratch(n);
        var normed = normedBuffer.Span;
        _ln1.Forward(kernels, x, normed, tokens);
        using var qBuffer = new Scratch(n);
        var q = qBuffer.Span;
        using var kBuffer = new Scratch(n);
        var k = kBuffer.Span;
        using var vBuffer = new Scratch(n);
        var v = vBuffer.Span;
        Project(kernels, normed, q, k, v, tokens);
        if (zeroValueToken >= 0) v.Slice(zeroValueToken * _hidden, _hidden).Clear();
        if (!keysOut.IsEmpty) k.CopyTo(keysOut);
        if (!valuesOut.IsEmpty) v.CopyTo(valuesOut);
        using var contextBuffer = new Scratch(n);
        var context = contextBuffer.Span;
        ScaledDotProductAttention.Forward(kernels, q, k, v, bias, probs, context, tokens, _heads, _heads, _hidden / _heads, _divisor,
            projection: _attnProj, valueOutputs: valueOutputs, hidden: _hidden);
        if (outputRows is null)
        {
            Tail(kernels, context, x, y, normed, tokens, residualMid);
            return;
        }
        int rows = outputRows.Length;
        using var contextRows = new Scratch(rows * _hidden);
        using var inputRows = new Scratch(rows * _hidden);
        LastLayerRows.Gather(context, _hidden, outputRows, contextRows.Span);
        LastLayerRows.Gather(x, _hidden, outputRows, inputRows.Span);
        Tail(kernels, contextRows.Span, inputRows.Span, y, normed, rows);
    }

    /// <summary>
    /// <see cref="Forward"/> of rows <paramref name="start"/>…T−1 (x and y hold those rows), the keys and
    /// values of the rows before taken from a cache; the square attention kernel runs over all T rows
    /// with zero queries for the cached ones, whose outputs are dropped.
    /// </summary>
    public void ForwardSuffix(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> cachedKeys, ReadOnlySpan<float> cachedValues, int start, int tokens)
    {
        int rows = tokens - start, n = tokens * _hidden, skip = start * _hidden;
        using var normedBuffer = new Scratch(rows * _hidden);
        var normed = normedBuffer.Span;
        _ln1.Forward(kernels, x, normed, rows);
        using var qBuffer = new Scratch(n);
        var q = qBuffer.Span;
        using var kBuffer = new Scratch(n);
        var k = kBuffer.Span;
        using var vBuffer = new Scratch(n);
        var v = vBuffer.Span;
        q[..skip].Clear();
        cachedKeys[..skip].CopyTo(k);
        cachedValues[..skip].CopyTo(v);
        Project(kernels, normed, q[skip..], k[skip..], v[skip..], rows);
        using var probsBuffer = new Scratch(_heads * tokens * tokens);
        using var contextBuffer = new Scratch(n);
        var context = contextBuffer.Span;
        kernels.Attention(q, k, v, bias, probsBuffer.Span, context, tokens, _heads, _heads, _hidden / _heads, 1f / _divisor);
        Tail(kernels, context[skip..], x, y, normed, rows);
    }

    /// <summary><see cref="Forward"/> of <paramref name="rows"/> tokens appended to a key/value cache at
    /// positions <paramref name="start"/>…: their keys and values go into the cache's rows, and their
    /// queries attend over every cached row (<see cref="AppendedRowsAttention"/>).</summary>
    public void Append(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, Span<float> cacheKeys, Span<float> cacheValues, int start, int rows, int[]? keyMask)
    {
        int n = rows * _hidden;
        using var normedBuffer = new Scratch(n);
        var normed = normedBuffer.Span;
        _ln1.Forward(kernels, x, normed, rows);
        using var qBuffer = new Scratch(n);
        var q = qBuffer.Span;
        Project(kernels, normed, q, cacheKeys.Slice(start * _hidden, n), cacheValues.Slice(start * _hidden, n), rows);
        using var contextBuffer = new Scratch(n);
        var context = contextBuffer.Span;
        AppendedRowsAttention.Forward(kernels, q, cacheKeys, cacheValues, context, start, rows, _heads, _heads, _hidden / _heads, 1f / _divisor, keyMask, null);
        Tail(kernels, context, x, y, normed, rows);
    }

    /// <summary>c_attn, whose output splits along features into q | k | v (GPT2Attention.forward: split(split_size, dim=2)).</summary>
    private void Project(IKernels kernels, ReadOnlySpan<float> normed, Span<float> q, Span<float> k, Span<float> v, int tokens)
    {
        using var qkvBuffer = new Scratch(3 * tokens * _hidden);
        var qkv = qkvBuffer.Span;
        _cAttn.Forward(kernels, normed, qkv, tokens);
        for (int t = 0; t < tokens; t++)
        {
            var row = qkv.Slice(t * 3 * _hidden, 3 * _hidden);
            row[.._hidden].CopyTo(q.Slice(t * _hidden));
            row.Slice(_hidden, _hidden).CopyTo(k.Slice(t * _hidden));
            row.Slice(2 * _hidden, _hidden).CopyTo(v.Slice(t * _hidden));
        }
    }

    /// <summary>h = x + c_proj(context), y = h + mlp(ln_2(h)) for <paramref name="tokens"/> rows; <paramref name="normed"/> is scratch;
    /// <paramref name="residualMid"/> receives h when not empty.</summary>
    private void Tail(IKernels kernels, ReadOnlySpan<float> context, ReadOnlySpan<float> x, Span<float> y, Span<float> normed, int tokens, Span<float> residualMid = default)
    {
        int n = tokens * _hidden;
        using var attendedBuffer = new Scratch(n);
        var attended = attendedBuffer.Span;
        _attnProj.Forward(kernels, context, attended, tokens);
        kernels.Add(attended, x[..n]);
        if (!residualMid.IsEmpty) attended.CopyTo(residualMid);

        _ln2.Forward(kernels, attended, normed, tokens);
        using var innerBuffer = new Scratch(tokens * _inner);
        var inner = innerBuffer.Span;
        _cFc.Forward(kernels, normed, inner, tokens);
        kernels.Activate(inner, _activation);
        _mlpProj.Forward(kernels, inner, y, tokens);
        kernels.Add(y[..n], attended);
    }
}
