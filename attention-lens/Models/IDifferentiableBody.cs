using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// A body (embeddings and layers, with its final norm when it has one) whose backward pass a head can
/// start from: the differentiable half of <see cref="IDifferentiableModel"/>, shared by a family's own
/// head and the task heads put on it (<see cref="DecoderTaskModel"/>, <see cref="Heads.EncoderWithHead"/>).
/// <para>
/// Memory (per-layer checkpointing): the forward keeps what an ordinary forward returns — the L + 1
/// hidden states (the layers' inputs, (L+1)·T·C floats) and the attentions (L·H·T² floats); the backward
/// recomputes one layer's intermediates at a time (q, k, v, context, the MLP's T·F activations and
/// their gradients, and three H·T² blocks: P, dP and dS per head as scratch) and returns dP for every
/// layer. BERT-base at T = 512: states 13·512·768·4 B = 20 MB, P and dP 2·12·12·512²·4 B = 302 MB, one
/// layer's scratch under 60 MB; the Llama-3.2-1B shape (L 16, H 32, C 2048, F 8192) at T = 256: states
/// 36 MB, P and dP 2·16·32·256²·4 B = 268 MB, one layer's scratch about 60 MB. Without attention
/// gradients only the current layer's dP is held. Measured (`attention-lens bench gradient`, peak working set
/// of the whole process, weights included, 2 shared cores): bert-base at 512 tokens 1.85 GB (0.44 GB of
/// float32 weights, packed once for the forward and once for the backward GEMMs, see <see cref="Linear.Backward"/>),
/// the llama-1b preset at 256 tokens 2.85 GB (2.5 GB of bf16 weights, never packed whole) — 0.2–0.5 GB above
/// the forward pass alone. Bodies that also implement <see cref="IBatchedDifferentiableBody"/> keep every layer's
/// intermediates instead when they fit <see cref="GradientOptions.KeptActivationsBudgetBytes"/> (no recompute: two
/// forward-equivalents per pass instead of three), and fall back to this recompute path otherwise.
/// </para>
/// </summary>
internal interface IDifferentiableBody
{
    ModelInfo Info { get; }

    /// <summary>Width of a word-embedding row: C, or ELECTRA's embedding_size E before embeddings_project.</summary>
    int EmbeddingSize => Info.HiddenSize;

    /// <summary>An ordinary forward (with its non-finite checks) from <paramref name="inputsEmbeds"/> when
    /// given, else from the ids; its hidden states are the layers' inputs the backward recomputes from.</summary>
    ForwardResult ForwardKeep(ForwardInput input, float[]? inputsEmbeds, int threads, CancellationToken cancellationToken);

    /// <summary>The (T, <see cref="EmbeddingSize"/>) word-embedding rows of the input ids (HF's <c>inputs_embeds</c>).</summary>
    float[] WordEmbeddings(ForwardInput input);

    /// <summary>
    /// From ∂y/∂(last hidden state) (T, C; the final norm's output) back to ∂y/∂inputs_embeds (T, C).
    /// Fills <paramref name="gradAttentions"/> (L, H, T, T) when not null. Checks cancellation once per layer.
    /// </summary>
    float[] Backward(IKernels kernels, ForwardInput input, float[] inputsEmbeds, ForwardResult forward, float[] dLast, float[]? gradAttentions, CancellationToken cancellationToken);
}
