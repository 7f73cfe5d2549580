using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// A decoder body with one of transformers' task heads on its last hidden state (the output of the
/// final norm): <c>*ForCausalLM</c> (lm_head → logits (T, V), optionally soft-capped: Gemma 2's
/// final_logit_softcapping), <c>*ForSequenceClassification</c> (score on the last non-pad token →
/// (NumLabels)), <c>*ForTokenClassification</c> (a linear layer per token → (T, NumLabels)) and
/// <c>*ForQuestionAnswering</c> (qa_outputs → start and end logits (T)). OPT projects the last hidden
/// state to word_embed_proj_dim (project_out) before any head. The causal-LM head is also the logit
/// lens of every family built on <see cref="IDecoderBody"/>.
/// </summary>
public sealed partial class DecoderTaskModel : ITransformerModel, ILogitLens, IDifferentiableModel
{
    private readonly IKernels _kernels;
    private readonly ITransformerModel _body;
    private readonly Linear _head;
    private readonly Linear? _projectOut;
    private readonly float? _finalSoftCap;
    private readonly int? _padTokenId;

    internal DecoderTaskModel(IKernels kernels, ITransformerModel body, ModelInfo info, Linear head, Linear? projectOut, float? finalSoftCap, int? padTokenId)
    {
        _kernels = kernels;
        _body = body;
        _head = head;
        _projectOut = projectOut;
        _finalSoftCap = finalSoftCap;
        _padTokenId = padTokenId;
        Info = info;
    }

    public ModelInfo Info { get; }

    /// <summary>Whether the last hidden state passes OPT's project_out (word_embed_proj_dim ≠ hidden_size)
    /// before the head, so transformers' last hidden state is narrower than the body's states.</summary>
    public bool ProjectsLastHiddenState => _projectOut is not null;

    public ForwardResult Forward(ForwardInput input, ForwardOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= ForwardOptions.Default;
        var body = _body.Forward(input, options, cancellationToken);
        // A pass stopped before the last layer (value zeroing) has no last hidden state for the head to read.
        if (options.StopAfterLayer is int stop && stop < body.Layers - 1) return body;
        var kernels = _kernels.WithThreads(options.Threads);
        int t = body.Tokens, c = body.Hidden;
        ReadOnlySpan<float> last = body.HiddenStates.AsSpan(body.Layers * t * c, t * c);
        float[]? projected = null;
        if (_projectOut is not null)
        {
            projected = new float[t * _projectOut.OutFeatures];
            _projectOut.Forward(kernels, last, projected, t);
            last = projected;
        }
        int features = _head.InFeatures;
        float[]? logits = null, classifier = null, tokens = null, start = null, end = null;
        int[]? logitRows = null;
        switch (Info.Head)
        {
            case ModelHead.CausalLM when options.ComputeLogits:
                // Only the rows ForwardOptions.LogitRows names (all when null), as the other LM heads.
                (logits, logitRows) = LmHeadRows.Compute(kernels, _head, last, t, options.LogitRows);
                if (_finalSoftCap is float cap) SoftCap.Apply(logits, cap);
                break;
            case ModelHead.SequenceClassification:
                classifier = new float[_head.OutFeatures];
                _head.Forward(kernels, last.Slice(LastTokenIndex(input) * features, features), classifier, 1);
                break;
            case ModelHead.TokenClassification:
                tokens = new float[t * _head.OutFeatures];
                _head.Forward(kernels, last, tokens, t);
                break;
            case ModelHead.QuestionAnswering:
                var both = new float[t * 2];
                _head.Forward(kernels, last, both, t);
                start = new float[t];
                end = new float[t];
                for (int i = 0; i < t; i++)
                {
                    start[i] = both[2 * i];
                    end[i] = both[2 * i + 1];
                }
                break;
        }
        // The body was checked by its own ToResult; what is left is the head's output.
        ForwardTrace.CheckHeadOutputs(body.Layers, logits, classifier, tokens, start, end);
        return new ForwardResult
        {
            Layers = body.Layers, Heads = body.Heads, Tokens = body.Tokens, Hidden = body.Hidden,
            AttentionStore = body.AttentionStore, HiddenStates = body.HiddenStates, ValueOutputs = body.ValueOutputs, PooledOutput = body.PooledOutput,
            ResidualStream = body.ResidualStream, PostNormTerms = body.PostNormTerms,
            Logits = logits, LogitRows = logitRows, ClassifierLogits = classifier, TokenClassifierLogits = tokens, StartLogits = start, EndLogits = end,
        };
    }

    /// <summary>
    /// The logit lens (docs/methods.md#logitlens) for every family under this head, once: the body's
    /// final norm, OPT's project_out when present, lm_head, and Gemma 2's final_logit_softcapping — the
    /// path the last hidden state takes in Forward, applied to any layer's residual rows.
    /// </summary>
    public float[] LensLogits(ReadOnlySpan<float> residual, int rows)
    {
        if (Info.Head != ModelHead.CausalLM)
            throw new AttentionLensException($"{Info.Architecture} has a {Info.Head} head, not an LM head, so the logit lens has nothing to read with.");
        if (_body is not IDecoderBody body)
            throw new AttentionLensException($"the {Info.ModelType} body cannot apply its final norm to intermediate layers, so the logit lens is not available for it.");
        return HeadPath(_kernels, body, residual, rows);
    }

    /// <summary>
    /// The token whose score classifies the sequence (modeling_llama.py
    /// LlamaForSequenceClassification): without pad_token_id the last one; otherwise the one before
    /// the first pad_token_id in input_ids, wrapping to the last when there is none
    /// (<c>(argmax(ids == pad) − 1) mod T</c>).
    /// </summary>
    public int LastTokenIndex(ForwardInput input)
    {
        int t = input.Length;
        if (_padTokenId is not int pad) return t - 1;
        int first = Array.IndexOf(input.InputIds, pad);
        return ((first < 0 ? 0 : first) - 1 + t) % t;
    }
}
