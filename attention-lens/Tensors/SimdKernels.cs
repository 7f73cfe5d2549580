using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AttentionLens.Tensors;

/// <summary>
/// The element-wise and row-wise kernels written once against <see cref="ISimd{TV}"/> and
/// compiled per vector width. Tails shorter than a vector go through a small stack buffer and the
/// same vector code (element-wise kernels) or through the scalar formula (reductions), so every
/// length gives the reference's result within the tolerances the tests state.
/// </summary>
internal sealed class SimdKernels<TS, TV> : IRowKernels where TS : struct, ISimd<TV> where TV : struct
{
    public static SimdKernels<TS, TV> Instance { get; } = new();

    public void Activate(Span<float> x, Activation activation)
    {
        switch (activation)
        {
            case Activation.Gelu: Map<VectorActivations.Gelu>(x, x); break;
            case Activation.GeluTanh: Map<VectorActivations.GeluTanh>(x, x); break;
            case Activation.Relu: Map<VectorActivations.Relu>(x, x); break;
            case Activation.Silu: Map<VectorActivations.Silu>(x, x); break;
            default: throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
        }
    }

    /// <summary>y[i] = f(x[i]); x and y are the same span or do not overlap.</summary>
    [SkipLocalsInit, MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Map<TF>(ReadOnlySpan<float> x, Span<float> y) where TF : IVectorFunction
    {
        int n = x.Length, w = TS.Count, i = 0;
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ys = ref MemoryMarshal.GetReference(y);
        for (; i + w <= n; i += w) TS.Store(TF.Apply<TS, TV>(TS.Load(ref xs, (nuint)i)), ref ys, (nuint)i);
        if (i == n) return;
        Span<float> tail = stackalloc float[w];
        tail.Clear();
        x[i..].CopyTo(tail);
        ref float ts = ref MemoryMarshal.GetReference(tail);
        TS.Store(TF.Apply<TS, TV>(TS.Load(ref ts, 0)), ref ts, 0);
        tail[..(n - i)].CopyTo(y[i..]);
    }

    [SkipLocalsInit, MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void SiluMultiply(Span<float> a, ReadOnlySpan<float> b)
    {
        int n = a.Length, w = TS.Count, i = 0;
        ref float sa = ref MemoryMarshal.GetReference(a);
        ref float sb = ref MemoryMarshal.GetReference(b);
        for (; i + w <= n; i += w)
        {
            TV s = VectorActivations.Silu.Apply<TS, TV>(TS.Load(ref sa, (nuint)i));
            TS.Store(TS.Multiply(s, TS.Load(ref sb, (nuint)i)), ref sa, (nuint)i);
        }

        if (i == n) return;
        Span<float> ta = stackalloc float[w], tb = stackalloc float[w];
        ta.Clear();
        tb.Clear();
        a[i..].CopyTo(ta);
        b[i..n].CopyTo(tb);
        TV t = VectorActivations.Silu.Apply<TS, TV>(TS.Load(ref MemoryMarshal.GetReference(ta), 0));
        TS.Store(TS.Multiply(t, TS.Load(ref MemoryMarshal.GetReference(tb), 0)), ref MemoryMarshal.GetReference(ta), 0);
        ta[..(n - i)].CopyTo(a[i..]);
    }

    /// <summary>a[i] += b[i]; one IEEE addition per element, so every width gives the same bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(Span<float> a, ReadOnlySpan<float> b)
    {
        int n = a.Length, w = TS.Count, i = 0;
        ref float sa = ref MemoryMarshal.GetReference(a);
        ref float sb = ref MemoryMarshal.GetReference(b);
        for (; i + w <= n; i += w) TS.Store(TS.Add(TS.Load(ref sa, (nuint)i), TS.Load(ref sb, (nuint)i)), ref sa, (nuint)i);
        for (; i < n; i++) a[i] += b[i];
    }

    public void Softmax(Span<float> x, int rows, int cols)
    {
        for (int r = 0; r < rows; r++) SoftmaxRow(x.Slice(r * cols, cols));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ScaleBiasSoftmax(Span<float> x, int rows, int cols, float scale, ReadOnlySpan<float> bias)
    {
        int w = TS.Count;
        TV vscale = TS.Splat(scale);
        for (int r = 0; r < rows; r++)
        {
            var row = x.Slice(r * cols, cols);
            ref float s = ref MemoryMarshal.GetReference(row);
            int i = 0;
            if (bias.IsEmpty)
            {
                for (; i + w <= cols; i += w) TS.Store(TS.Multiply(TS.Load(ref s, (nuint)i), vscale), ref s, (nuint)i);
                for (; i < cols; i++) row[i] *= scale;
            }
            else
            {
                var biasRow = bias.Slice(r * cols, cols);
                ref float b = ref MemoryMarshal.GetReference(biasRow);
                for (; i + w <= cols; i += w)
                    TS.Store(TS.Add(TS.Multiply(TS.Load(ref s, (nuint)i), vscale), TS.Load(ref b, (nuint)i)), ref s, (nuint)i);
                for (; i < cols; i++) row[i] = row[i] * scale + biasRow[i];
            }

            SoftmaxRow(row);
        }
    }

    /// <summary>p_j = exp(x_j − max) / Σ exp(x_k − max); an all −∞ row becomes uniform (torch with
    /// dtype-min masking gives a uniform row too, since every entry then equals the max).</summary>
    [SkipLocalsInit, MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SoftmaxRow(Span<float> row)
    {
        int n = row.Length, w = TS.Count, i = 0;
        if (n == 0) return;
        ref float s = ref MemoryMarshal.GetReference(row);
        float max = float.NegativeInfinity;
        if (n >= w)
        {
            TV m = TS.Load(ref s, 0);
            for (i = w; i + w <= n; i += w) m = TS.Max(m, TS.Load(ref s, (nuint)i));
            max = TS.MaxAcross(m);
        }

        for (; i < n; i++) max = MathF.Max(max, row[i]);
        if (float.IsNegativeInfinity(max))
        {
            row.Fill(1f / n);
            return;
        }

        TV vmax = TS.Splat(max), sum = TS.Splat(0f);
        for (i = 0; i + w <= n; i += w)
        {
            TV e = SimdExp.Exp<TS, TV>(TS.Subtract(TS.Load(ref s, (nuint)i), vmax));
            TS.Store(e, ref s, (nuint)i);
            sum = TS.Add(sum, e);
        }

        if (i < n)
        {
            // Padding with −∞ contributes exp(−∞) = 0 to the sum.
            Span<float> tail = stackalloc float[w];
            tail.Fill(float.NegativeInfinity);
            row[i..].CopyTo(tail);
            ref float t = ref MemoryMarshal.GetReference(tail);
            TV e = SimdExp.Exp<TS, TV>(TS.Subtract(TS.Load(ref t, 0), vmax));
            TS.Store(e, ref t, 0);
            sum = TS.Add(sum, e);
            tail[..(n - i)].CopyTo(row[i..]);
        }

        float inv = 1f / TS.Sum(sum);
        TV vinv = TS.Splat(inv);
        for (i = 0; i + w <= n; i += w) TS.Store(TS.Multiply(TS.Load(ref s, (nuint)i), vinv), ref s, (nuint)i);
        for (; i < n; i++) row[i] *= inv;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void LayerNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y, int rows, int cols, float eps)
    {
        int w = TS.Count;
        ref float g = ref MemoryMarshal.GetReference(gamma);
        ref float b = ref MemoryMarshal.GetReference(beta);
        bool hasBeta = !beta.IsEmpty;
        for (int r = 0; r < rows; r++)
        {
            var row = x.Slice(r * cols, cols);
            var outRow = y.Slice(r * cols, cols);
            ref float s = ref MemoryMarshal.GetReference(row);
            ref float d = ref MemoryMarshal.GetReference(outRow);
            float mean = Sum(row) / cols;
            TV vmean = TS.Splat(mean), acc = TS.Splat(0f);
            int i = 0;
            for (; i + w <= cols; i += w)
            {
                TV c = TS.Subtract(TS.Load(ref s, (nuint)i), vmean);
                acc = TS.MultiplyAdd(c, c, acc);
            }

            float var = TS.Sum(acc);
            for (; i < cols; i++) var += (row[i] - mean) * (row[i] - mean);
            float inv = 1f / MathF.Sqrt(var / cols + eps);
            TV vinv = TS.Splat(inv);
            for (i = 0; i + w <= cols; i += w)
            {
                TV c = TS.Multiply(TS.Subtract(TS.Load(ref s, (nuint)i), vmean), vinv);
                TV shift = hasBeta ? TS.Load(ref b, (nuint)i) : TS.Splat(0f);
                TS.Store(TS.MultiplyAdd(c, TS.Load(ref g, (nuint)i), shift), ref d, (nuint)i);
            }

            for (; i < cols; i++) outRow[i] = (row[i] - mean) * inv * gamma[i] + (hasBeta ? beta[i] : 0f);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void RmsNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, Span<float> y, int rows, int cols, float eps)
    {
        int w = TS.Count;
        ref float g = ref MemoryMarshal.GetReference(gamma);
        for (int r = 0; r < rows; r++)
        {
            var row = x.Slice(r * cols, cols);
            var outRow = y.Slice(r * cols, cols);
            ref float s = ref MemoryMarshal.GetReference(row);
            ref float d = ref MemoryMarshal.GetReference(outRow);
            TV acc = TS.Splat(0f);
            int i = 0;
            for (; i + w <= cols; i += w)
            {
                TV v = TS.Load(ref s, (nuint)i);
                acc = TS.MultiplyAdd(v, v, acc);
            }

            float ms = TS.Sum(acc);
            for (; i < cols; i++) ms += row[i] * row[i];
            float inv = 1f / MathF.Sqrt(ms / cols + eps);
            TV vinv = TS.Splat(inv);
            for (i = 0; i + w <= cols; i += w)
                TS.Store(TS.Multiply(TS.Load(ref g, (nuint)i), TS.Multiply(TS.Load(ref s, (nuint)i), vinv)), ref d, (nuint)i);
            for (; i < cols; i++) outRow[i] = gamma[i] * (row[i] * inv);
        }
    }

    /// <summary>Rotate-half RoPE with the reference's exact operation order (no fused multiply-add),
    /// so results are bitwise equal to <see cref="ScalarKernels.Rope"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Rope(Span<float> x, int tokens, int heads, int headDim, RopeTable table)
    {
        int half = headDim / 2, w = TS.Count;
        ref float cosTable = ref MemoryMarshal.GetArrayDataReference(table.Cos);
        ref float sinTable = ref MemoryMarshal.GetArrayDataReference(table.Sin);
        for (int t = 0; t < tokens; t++)
        {
            ref float cos = ref Unsafe.Add(ref cosTable, t * half);
            ref float sin = ref Unsafe.Add(ref sinTable, t * half);
            for (int h = 0; h < heads; h++)
            {
                var v = x.Slice((t * heads + h) * headDim, headDim);
                ref float lo = ref MemoryMarshal.GetReference(v);
                ref float hi = ref Unsafe.Add(ref lo, half);
                int i = 0;
                for (; i + w <= half; i += w)
                {
                    TV x1 = TS.Load(ref lo, (nuint)i), x2 = TS.Load(ref hi, (nuint)i);
                    TV c = TS.Load(ref cos, (nuint)i), s = TS.Load(ref sin, (nuint)i);
                    TS.Store(TS.Subtract(TS.Multiply(x1, c), TS.Multiply(x2, s)), ref lo, (nuint)i);
                    TS.Store(TS.Add(TS.Multiply(x2, c), TS.Multiply(x1, s)), ref hi, (nuint)i);
                }

                for (; i < half; i++)
                {
                    float c = table.Cos[t * half + i], s = table.Sin[t * half + i];
                    float x1 = v[i], x2 = v[i + half];
                    v[i] = x1 * c - x2 * s;
                    v[i + half] = x2 * c + x1 * s;
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Sum(ReadOnlySpan<float> row)
    {
        int n = row.Length, w = TS.Count, i = 0;
        ref float s = ref MemoryMarshal.GetReference(row);
        TV acc = TS.Splat(0f);
        for (; i + w <= n; i += w) acc = TS.Add(acc, TS.Load(ref s, (nuint)i));
        float sum = TS.Sum(acc);
        for (; i < n; i++) sum += row[i];
        return sum;
    }
}
