namespace AttentionLens.Models;

/// <summary>What a forward pass records beside attentions and hidden states.</summary>
public sealed record ForwardOptions
{
    /// <summary>
    /// Record f_h(x_j) = (x_j W_V^h + b_V^h) W_O^h for every layer, head and token
    /// (Kobayashi et al. 2020, eq. 6): the input of value-weighted attention norms.
    /// </summary>
    public bool CaptureValueOutputs { get; init; }

    /// <summary>
    /// With <see cref="CaptureValueOutputs"/>: keep only, per layer and token, the Gram matrix
    /// G_j[h, h'] = ⟨f_h(x_j), f_h'(x_j)⟩ (<see cref="ForwardResult.ValueGram"/>, L·T·H² doubles), which
    /// is all value-weighted norms need, instead of the value outputs (L·H·T·C floats, which a long input
    /// cannot hold); <see cref="ForwardResult.ValueOutputs"/> is then null. Honoured by the decoders
    /// (GPT-2, LLaMA and Common's decoder stack); encoders keep the value outputs.
    /// </summary>
    public bool CaptureValueGram { get; init; }

    /// <summary>
    /// Record the post-norm encoder terms (<see cref="PostNormTerms"/>: the LayerNorms' inputs, output
    /// and scales) that ALTI and GlobEnc decompose; only post-norm encoders supply them.
    /// </summary>
    public bool CapturePostNormTerms { get; init; }

    /// <summary>Record the decoders' residual stream around each block (<see cref="ResidualStream"/>),
    /// which information-flow routes decompose; every decoder supplies it but post-norm OPT.</summary>
    public bool CaptureResidualStream { get; init; }

    /// <summary>Zero one token's value vectors in one layer (value zeroing); null = an ordinary pass.
    /// Supported by the post-norm encoders (BERT, RoBERTa, XLM-R, DistilBERT, ELECTRA, ALBERT, DeBERTa-v2)
    /// and every decoder but OPT (GPT-2, LLaMA's layer, and the layers of Common's decoder stack).</summary>
    public ValueZeroing? ZeroValue { get; init; }

    /// <summary>Start at this layer (0-based) from its given input (T × C) instead of the embeddings:
    /// hidden states and attentions before it are then undefined. With <see cref="StopAfterLayer"/>,
    /// re-runs one layer (value zeroing). Supported by the post-norm encoders and every decoder (GPT-2,
    /// LLaMA, and Common's decoder stack).</summary>
    public LayerInput? ResumeFrom { get; init; }

    /// <summary>Stop after this layer (0-based): hidden states after it and every output computed from
    /// the last hidden state are then undefined. For methods that only read one layer's output.</summary>
    public int? StopAfterLayer { get; init; }

    /// <summary>Compute logits from the LM head (or classifier) when the model has one.</summary>
    public bool ComputeLogits { get; init; } = true;

    /// <summary>
    /// The positions whose LM-head logits are computed, in this order; null = every position. An
    /// analysis needs one or a few rows (the target, for occlusion), and a 128k-word head over every
    /// position is a fifth of a Llama-3.2-1B forward. Models with an LM head then return
    /// <see cref="ForwardResult.Logits"/> as (rows, V) and set <see cref="ForwardResult.LogitRows"/>;
    /// read them with <see cref="ForwardResult.LogitsAt"/>, which works either way.
    /// </summary>
    public int[]? LogitRows { get; init; }

    /// <summary>
    /// With <see cref="LogitRows"/>: the last layer runs its attention output projection, residual,
    /// MLP and the final norm on those rows only (its keys, values, queries and attention
    /// probabilities still for every row, so <see cref="ForwardResult.Attentions"/> is complete). A
    /// row's logits depend on the other rows only through the last layer's attention, so they are
    /// unchanged, and the 1B Llama's last layer costs about a tenth of itself (1/16 of the forward).
    /// The final hidden state (<see cref="ForwardResult.HiddenStates"/>' last entry) is then
    /// defined at those rows only (zero elsewhere); every earlier state is complete. Set it only when
    /// nothing reads the final state at other rows: occlusion and faithfulness passes
    /// (<c>Occlusion.OptionsFor</c>), a one-shot analysis of a causal LM unless value zeroing is asked
    /// (<c>Analyzer.TargetRowOnly</c>), text generation. Ignored when the residual stream is captured, without
    /// <see cref="LogitRows"/>, and by the models that do not support it (they compute every row):
    /// LLaMA, Mistral, Qwen2 and GPT-2 do.
    /// </summary>
    public bool LastLayerLogitRowsOnly { get; init; }

    /// <summary>
    /// Keep each layer's attention only as the mean over heads: <see cref="ForwardResult.Attentions"/>
    /// is then (L, 1, T, T) and <see cref="ForwardResult.Heads"/> 1. Per-head attention of a long input
    /// does not fit (2,048 tokens of a 16-layer, 32-head model: 8.6 GB in float32, 268 MB as head
    /// means); rollout and attention flow over mean-reduced heads need nothing more. One layer's
    /// per-head probabilities are held at a time. Models that do not support it return every head.
    /// </summary>
    public bool HeadMeanAttention { get; init; }

    /// <summary>
    /// How per-head attention is kept (<see cref="AttentionStore"/>): float32 (default; exact) or half
    /// precision per layer, for long inputs whose float32 attention would not fit in memory (2,051
    /// tokens of a 16-layer, 32-head model: 4.3 GB instead of 8.6 GB). Ignored with
    /// <see cref="HeadMeanAttention"/>. Honoured by the decoders (GPT-2, LLaMA and Common's decoder
    /// stack); encoders, limited to a few hundred positions, always keep float32.
    /// </summary>
    public AttentionStorage AttentionStorage { get; init; }

    /// <summary>Threads the kernels may use; 0 = the model's kernels as loaded (all cores by default).</summary>
    public int Threads { get; init; }

    /// <summary>
    /// (T, C) word embeddings replacing the lookup of the input ids (Hugging Face's <c>inputs_embeds</c>;
    /// position / token-type embeddings, norms and scaling still follow). Set only by the backward pass
    /// (<see cref="GradientOptions.InputsEmbeds"/>) of the models that implement <see cref="IDifferentiableModel"/>;
    /// internal so that no caller relies on a model that would ignore it.
    /// </summary>
    internal float[]? InputsEmbeds { get; init; }

    public static ForwardOptions Default { get; } = new();
}
