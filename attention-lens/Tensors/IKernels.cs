namespace AttentionLens.Tensors;

/// <summary>
/// The seam between models and the arithmetic they need. Models call only these kernels, so a
/// GPU backend can replace <see cref="CpuKernels"/> without touching model code. Every method reads
/// spans and writes into a caller-provided destination span; none allocates on the hot path.
/// Matrices are dense row-major float32.
/// </summary>
public interface IKernels
{
    /// <summary>C[m×n] = A[m×k] · B[n×k]ᵀ (+ bias[n] per row when given). B is laid out as
    /// PyTorch's <c>nn.Linear.weight</c> (out × in), so this is a linear layer.</summary>
    void MatMulTransposed(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int m, int k, int n);

    /// <summary>C[m×n] = A[m×k] · B[k×n] (GPT-2's Conv1D weights are in × out; attention · V).</summary>
    void MatMul(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int m, int k, int n);

    /// <summary>Row-wise softmax over rows of length <paramref name="cols"/>, in place, subtracting
    /// the row max first; a row whose entries are all −∞ becomes uniform, as torch does with
    /// dtype-min masking.</summary>
    /// <summary>
    /// C = A·op(W) (+ bias) for a weight the model multiplies by on every forward; A is m × W.K.
    /// A backend may keep a packed copy of W for its GEMM (see <see cref="WeightMatrix"/>); the
    /// default multiplies the values as stored.
    /// </summary>
    void MatMul(ReadOnlySpan<float> a, WeightMatrix w, ReadOnlySpan<float> bias, Span<float> c, int m)
    {
        if (w.IsNByK) MatMulTransposed(a, w.Values.Span, bias, c, m, w.K, w.N);
        else MatMul(a, w.Values.Span, bias, c, m, w.K, w.N);
    }

    void Softmax(Span<float> x, int rows, int cols);

    /// <summary>y = (x − mean) / sqrt(var + eps) · gamma + beta per row (biased variance).</summary>
    void LayerNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y, int rows, int cols, float eps);

    /// <summary>y = x / sqrt(mean(x²) + eps) · gamma per row (LlamaRMSNorm: computed in fp32).</summary>
    void RmsNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, Span<float> y, int rows, int cols, float eps);

    /// <summary>Element-wise activation in place.</summary>
    void Activate(Span<float> x, Activation activation);

    /// <summary>Reverse mode of <see cref="Activate"/>: dy[i] ← dy[i] · f′(x[i]) at the forward's input x. The default is
    /// the scalar double reference <see cref="Tensors.ActivationBackward.Apply"/>; <see cref="CpuKernels"/> runs float lanes on several threads.</summary>
    void ActivateBackward(ReadOnlySpan<float> x, Span<float> dy, Activation activation) => Tensors.ActivationBackward.Apply(x, dy, activation);

    /// <summary>a[i] = silu(a[i]) · b[i] (the SwiGLU gate of Llama's MLP).</summary>
    void SiluMultiply(Span<float> a, ReadOnlySpan<float> b);

    /// <summary>a[i] += b[i] over a.Length elements (residual connections); b is at least as long.</summary>
    void Add(Span<float> a, ReadOnlySpan<float> b)
    {
        KernelChecks.Vector(b.Length, a.Length, "Add b", optional: false);
        for (int i = 0; i < a.Length; i++) a[i] += b[i];
    }

    /// <summary>Applies rotary position embeddings in Hugging Face's rotate-half layout to
    /// x (T × heads × headDim, row-major), in place, for positions 0..T-1.</summary>
    void Rope(Span<float> x, int tokens, int heads, int headDim, RopeTable table);

    /// <summary>
    /// Eager multi-head attention of one sequence, as transformers computes it per head h:
    /// probs[h] = softmax(scale · Q_h K_gᵀ + bias) and context[:, h·D…] = probs[h] · V_g, with
    /// g = h / (H / H_kv) (grouped-query attention's repeat_kv). q is (T, H·D), k and v (T, H_kv·D),
    /// bias (T, T) additive (empty for none), probs (H, T, T), context (T, H·D). With
    /// <paramref name="scaleQuery"/> the query is scaled before the product (DistilBERT) instead of
    /// the scores. The default runs the per-head loop on this instance's other kernels;
    /// <see cref="CpuKernels"/> runs heads in parallel on strided operands without copies.
    /// </summary>
    void Attention(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> bias,
        Span<float> probs, Span<float> context, int tokens, int heads, int kvHeads, int headDim, float scale, bool scaleQuery = false)
        => AttentionReference.Run(this, q, k, v, bias, probs, context, tokens, heads, kvHeads, headDim, scale, scaleQuery);

    /// <summary>
    /// These kernels with at most <paramref name="threads"/> threads (a forward pass's ForwardOptions.Threads);
    /// 0 or less keeps this instance's setting. Backends without a thread count return themselves.
    /// </summary>
    IKernels WithThreads(int threads) => this;
}
