using System.Numerics;

namespace AttentionLens.Flow;

/// <summary>
/// Value-weighted attention (docs/methods.md §7; Kobayashi et al., EMNLP 2020, "Attention is Not Only a
/// Weight", eq. 6–8). The input is f_h(x_j) = (x_j W_V^h + b_V^h) W_O^h per layer, query head and
/// token, as the models record it in <c>ForwardResult.ValueOutputs</c> (L, H, T, C). Grouped-query
/// attention is handled there: query head h uses key/value head ⌊h·H_kv / H⌋ for x_j W_V + b_V
/// while W_O stays the query head's own slice, so f_h is per query head and nothing here depends
/// on H_kv.
/// N[l][i, j] = ‖Σ_h A[l,h][i, j] f_h(x_j)‖ is computed through the per-token Gram matrix
/// G_j[h, h'] = ⟨f_h(x_j), f_h'(x_j)⟩: N² = Σ_h Σ_h' a_h a_h' G_j[h, h'], which costs L·T²·H²
/// instead of L·T²·H·C (C ≫ H in every real model). This is not "attention × ‖value vector‖
/// summed over heads", which leaves out W_O and adds norms.
/// </summary>
public static class ValueWeightedAttention
{
    public static ValueNormResult Compute<T>(ReadOnlySpan<T> attention, ReadOnlySpan<T> valueOutputs, AttentionShape shape, int hidden, CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int L = shape.Layers, H = shape.Heads, n = shape.Tokens, C = hidden;
        if (attention.Length != shape.Elements)
            throw new InvalidAttentionException($"attention: expected {shape.Elements} values but got {attention.Length}.");
        if (C <= 0 || valueOutputs.Length != (long)L * H * n * C)
            throw new InvalidAttentionException($"value outputs: expected [{L}, {H}, {n}, {C}] = {(long)L * H * n * Math.Max(C, 0)} values but got {valueOutputs.Length}; run the forward with CaptureValueOutputs.", "valueOutputs");
        var norms = new double[L * n * n];
        var headNorms = new double[L * H * n];
        var received = new double[L * n];
        var emitted = new double[L * n];
        var gram = new double[n * H * H];
        for (int l = 0; l < L; l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (int j = 0; j < n; j++)
            {
                for (int h = 0; h < H; h++)
                {
                    var fh = valueOutputs.Slice(((l * H + h) * n + j) * C, C);
                    for (int h2 = 0; h2 <= h; h2++)
                    {
                        var fh2 = valueOutputs.Slice(((l * H + h2) * n + j) * C, C);
                        double dot = 0;
                        for (int c = 0; c < C; c++) dot += double.CreateTruncating(fh[c]) * double.CreateTruncating(fh2[c]);
                        gram[(j * H + h) * H + h2] = dot;
                        gram[(j * H + h2) * H + h] = dot;
                    }
                    headNorms[(l * H + h) * n + j] = Math.Sqrt(gram[(j * H + h) * H + h]);
                }
            }
            NormsOfLayer(attention, shape, l, gram, norms.AsSpan(l * n * n, n * n));
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double v = norms[(l * n + i) * n + j];
                    received[l * n + i] += v;
                    emitted[l * n + j] += v;
                }
            }
        }
        return new ValueNormResult(norms, headNorms, received, emitted);
    }

    /// <summary>
    /// The same result from the Grams G_j[h, h'] = ⟨f_h(x_j), f_h'(x_j)⟩ alone (<paramref name="gram"/>:
    /// (L, T, H, H), as a long input's forward keeps them instead of the value outputs) and attention read
    /// one query row at a time (<see cref="IHeadAttention"/>).
    /// </summary>
    public static ValueNormResult FromGram(IHeadAttention attention, ReadOnlySpan<double> gram, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attention);
        var shape = attention.Shape;
        int L = shape.Layers, H = shape.Heads, n = shape.Tokens;
        if (gram.Length != (long)L * n * H * H)
            throw new InvalidAttentionException($"value Grams: expected [{L}, {n}, {H}, {H}] = {(long)L * n * H * H} values but got {gram.Length}; run the forward with CaptureValueOutputs and CaptureValueGram.", "valueGram");
        var norms = new double[checked(L * n * n)];
        var headNorms = new double[L * H * n];
        var received = new double[L * n];
        var emitted = new double[L * n];
        var layerGram = new double[n * H * H];
        for (int l = 0; l < L; l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            gram.Slice(l * n * H * H, n * H * H).CopyTo(layerGram);
            for (int j = 0; j < n; j++)
                for (int h = 0; h < H; h++) headNorms[(l * H + h) * n + j] = Math.Sqrt(layerGram[(j * H + h) * H + h]);
            int layer = l, offset = l * n * n;
            Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = n >= 64 ? -1 : 1 }, () => (Rows: new float[H * n], A: new double[H]), (i, _, local) =>
            {
                for (int h = 0; h < H; h++) attention.ReadRow(layer, h, i, local.Rows.AsSpan(h * n, n));
                for (int j = 0; j < n; j++)
                {
                    for (int h = 0; h < H; h++) local.A[h] = local.Rows[h * n + j];
                    norms[offset + i * n + j] = RowNorm(local.A, layerGram.AsSpan(j * H * H, H * H));
                }
                return local;
            }, _ => { });
            var block = norms.AsSpan(offset, n * n);
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double v = block[i * n + j];
                    received[l * n + i] += v;
                    emitted[l * n + j] += v;
                }
            }
        }
        return new ValueNormResult(norms, headNorms, received, emitted);
    }

    /// <summary>√(aᵀ G a), skipping heads with a_h = 0 (the same operations, in the same order, as the flat path).</summary>
    private static double RowNorm(ReadOnlySpan<double> a, ReadOnlySpan<double> g)
    {
        int H = a.Length;
        double sq = 0;
        for (int h = 0; h < H; h++)
        {
            if (a[h] == 0) continue;
            double row = 0;
            for (int h2 = 0; h2 < H; h2++) row += g[h * H + h2] * a[h2];
            sq += a[h] * row;
        }
        return Math.Sqrt(Math.Max(sq, 0));
    }

    /// <summary><see cref="WeightedHeadNorms{T}"/> from attention read one row at a time.</summary>
    public static void WeightedHeadNorms(IHeadAttention attention, ReadOnlySpan<double> headValueNorms, int layer, int query, Span<double> destination)
    {
        ArgumentNullException.ThrowIfNull(attention);
        int H = attention.Shape.Heads, n = attention.Shape.Tokens;
        if (destination.Length != H * n) throw new ArgumentException($"destination must hold {H * n} values.", nameof(destination));
        var row = new float[n];
        for (int h = 0; h < H; h++)
        {
            attention.ReadRow(layer, h, query, row);
            for (int j = 0; j < n; j++) destination[h * n + j] = (double)row[j] * headValueNorms[(layer * H + h) * n + j];
        }
    }

    // N[l][i, j]² = aᵀ G_j a with a = (A[l,h][i, j])_h; rows i are independent, so they are spread
    // over threads (each with its own a).
    private static unsafe void NormsOfLayer<T>(ReadOnlySpan<T> attention, AttentionShape shape, int layer, double[] gram, Span<double> block)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int H = shape.Heads, n = shape.Tokens;
        fixed (T* pa = attention)
        fixed (double* pb = block)
        {
            var (xa, xb) = ((nint)pa, (nint)pb);
            long total = attention.Length;
            Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = n >= 64 ? -1 : 1 }, () => new double[H], (i, _, a) =>
            {
                var att = new ReadOnlySpan<T>((void*)xa, (int)total);
                var dst = new Span<double>((void*)xb, n * n);
                for (int j = 0; j < n; j++)
                {
                    for (int h = 0; h < H; h++) a[h] = double.CreateTruncating(att[shape.BlockOffset(layer, h) + i * n + j]);
                    dst[i * n + j] = RowNorm(a, gram.AsSpan(j * H * H, H * H));
                }
                return a;
            }, _ => { });
        }
    }

    /// <summary>
    /// α·‖f_h(x_j)‖ for one query row: writes A[l,h][i, j]·‖f_h(x_j)‖ for every head and token into
    /// <paramref name="destination"/> (H × T), from <see cref="ValueNormResult.HeadValueNorms"/>.
    /// </summary>
    public static void WeightedHeadNorms<T>(ReadOnlySpan<T> attention, ReadOnlySpan<double> headValueNorms, AttentionShape shape, int layer, int query, Span<double> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int H = shape.Heads, n = shape.Tokens;
        if (destination.Length != H * n) throw new ArgumentException($"destination must hold {H * n} values.", nameof(destination));
        for (int h = 0; h < H; h++)
            for (int j = 0; j < n; j++)
                destination[h * n + j] = double.CreateTruncating(attention[shape.BlockOffset(layer, h) + query * n + j]) * headValueNorms[(layer * H + h) * n + j];
    }
}
