using AttentionLens.Checkpoints;
using AttentionLens.Models.Gemma;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Gemma2;

/// <summary>
/// modeling_gemma2.py Gemma2Model: Gemma's scaled embeddings, layers alternating local
/// (sliding-window) and global attention, the final norm. Gemma2ForCausalLM soft-caps the logits by
/// final_logit_softcapping (<see cref="DecoderTaskModel"/>). Compared with transformers run with
/// use_cache=False (the hybrid cache of generation is not part of a single forward pass).
/// </summary>
public sealed partial class Gemma2Model : ITransformerModel, IDecoderBody, IDifferentiableBody
{
    private readonly IKernels _kernels;
    private readonly Gemma2DecoderLayer[] _layers;
    private readonly GemmaRmsNorm _norm;
    private readonly float[] _inverseFrequencies;
    private readonly int? _slidingWindow;

    private Gemma2Model(IKernels kernels, Embedding embed, Gemma2DecoderLayer[] layers, GemmaRmsNorm norm, float[] inverseFrequencies, int? slidingWindow, ModelInfo info)
    {
        _kernels = kernels;
        Embed = embed;
        _layers = layers;
        _norm = norm;
        _inverseFrequencies = inverseFrequencies;
        _slidingWindow = slidingWindow;
        Info = info;
    }

    public ModelInfo Info { get; }

    public Embedding Embed { get; }

    public static Gemma2Model Load(IKernels kernels, WeightScope w, GemmaConfig c, string configPath, string architecture)
    {
        c.Validate(configPath, gemma2: true);
        var embed = Embedding.Load(w.Scope("embed_tokens"), c.VocabSize, c.HiddenSize, "vocab_size");
        var layers = Enumerable.Range(0, c.NumHiddenLayers).Select(i => Gemma2DecoderLayer.Load(w.Scope("layers").Scope(i.ToString()), c, i, configPath)).ToArray();
        var norm = GemmaRmsNorm.Load(w.Scope("norm"), c.HiddenSize, c.RmsNormEps);
        var info = new ModelInfo("gemma2", architecture, c.NumHiddenLayers, c.NumAttentionHeads, c.KeyValueHeads, c.HiddenSize, c.HeadDim,
            c.VocabSize, w.Store.ParameterCount, IsCausal: true, HasLmHead: false, NumLabels: 0, MaxPositions: c.MaxPositionEmbeddings);
        return new Gemma2Model(kernels, embed, layers, norm, RopeTable.DefaultInverseFrequencies(c.HeadDim, c.RopeTheta), c.SlidingWindow, info);
    }

    public void FinalNorm(IKernels kernels, ReadOnlySpan<float> x, Span<float> y, int rows) => _norm.Forward(kernels, x, y, rows);

    public ForwardResult Forward(ForwardInput input, ForwardOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= ForwardOptions.Default;
        var kernels = _kernels.WithThreads(options.Threads);
        int t = input.Length;
        var rope = new RopeTable(t, Info.HeadDim, 0, _inverseFrequencies);
        var global = SlidingWindowMask.CausalOrPadding(input.AttentionMask, t, null);
        var local = _slidingWindow is null ? global : SlidingWindowMask.CausalOrPadding(input.AttentionMask, t, _slidingWindow);
        return DecoderStack.Run(Info, input, options, cancellationToken,
            h0 =>
            {
                if (options.InputsEmbeds is null)
                {
                    GemmaModel.ScaledLookup(Embed, input.InputIds, h0, Info.HiddenSize);
                    return;
                }
                Embed.LookupOrGiven(input.InputIds, options.InputsEmbeds, h0);
                float normalizer = (float)Math.Sqrt(Info.HiddenSize);
                for (int i = 0; i < h0.Length; i++) h0[i] *= normalizer;
            },
            (l, x, y, probs, values, stream, zero) => _layers[l].Forward(kernels, x, y, _layers[l].IsSliding ? local : global, rope, probs, values, t, stream, l, zero),
            (x, y) => _norm.Forward(kernels, x, y, t));
    }
}
