using AttentionLens.Checkpoints;
using AttentionLens.Models.Gemma;
using AttentionLens.Models.Gemma2;
using AttentionLens.Models.GptNeoX;
using AttentionLens.Models.Olmo2;
using AttentionLens.Models.Opt;
using AttentionLens.Models.Phi;
using AttentionLens.Models.Phi3;
using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// The decoder families beyond GPT-2 and Llama (GPT-NeoX, OPT, Phi, Phi-3, Gemma, Gemma 2, OLMo-2),
/// and the task heads of every decoder: for a config it validates everything it can before any
/// weight is opened and returns the builder <see cref="ModelLoader"/> runs on the weights.
/// </summary>
internal static class DecoderLoader
{
    /// <summary>The model types this loader builds.</summary>
    public static IReadOnlyList<string> ModelTypes { get; } = ["gpt_neox", "opt", "phi", "gemma", "gemma2", "phi3", "olmo2"];

    /// <summary>GPT-2's heads (modeling_gpt2.py): score, classifier, qa_outputs on "transformer.".</summary>
    public static DecoderHeadNames Gpt2HeadNames { get; } = new(TokenClassifier: "classifier", HasQuestionAnswering: true);

    /// <summary>Llama's, Mistral's and Qwen2's heads: score for both classifiers, qa_outputs.</summary>
    public static DecoderHeadNames LlamaHeadNames { get; } = new(HasQuestionAnswering: true);

    /// <summary>
    /// The classification or QA head <paramref name="config"/>'s architecture names, or null for the
    /// LM head and the bare body (which the GPT-2 and Llama classes load themselves).
    /// </summary>
    public static ModelHead? TaskHead(ConfigFile config, DecoderHeadNames names)
    {
        var head = DecoderHeads.Parse(config.Architecture, config.ModelType, config.Path, names);
        return head is ModelHead.CausalLM or ModelHead.Base ? null : head;
    }

    /// <summary>Puts a classification or QA <paramref name="head"/> on a body loaded without its LM head.</summary>
    public static ITransformerModel AttachTaskHead(IKernels kernels, ITransformerModel body, WeightScope root, ConfigFile config, ModelHead head,
        DecoderHeadNames names, int features) =>
        DecoderHeads.Attach(kernels, body, head, root, names, config.As(DecoderModelsJsonContext.Default.DecoderHeadConfig), config.Path,
            config.Architecture, features, tiedEmbedding: null);

    /// <summary>The builder for <paramref name="config"/>, or null when its model_type is not one of <see cref="ModelTypes"/>.</summary>
    public static Func<WeightStore, ITransformerModel>? Prepare(ConfigFile config, IKernels kernels)
    {
        string arch = config.Architecture, path = config.Path;
        var heads = config.As(DecoderModelsJsonContext.Default.DecoderHeadConfig);
        switch (config.ModelType)
        {
            case "gpt_neox":
            {
                var c = config.As(DecoderModelsJsonContext.Default.GptNeoXConfig);
                c.Validate(path);
                return Build(kernels, config, GptNeoXModel.HeadNames, heads, ["gpt_neox."], w => GptNeoXModel.Load(kernels, w, c, path, arch),
                    c.HiddenSize, b => c.TieWordEmbeddings ? b.Embed : null);
            }
            case "opt":
            {
                var c = config.As(DecoderModelsJsonContext.Default.OptConfig);
                c.Validate(path);
                return Build(kernels, config, OptModel.HeadNames, heads.PadTokenIdOr(1), ["model.decoder.", "decoder."], w => OptModel.Load(kernels, w, c, path, arch),
                    c.WordEmbedProjDim, b => c.TieWordEmbeddings ? b.Embed : null, projectOut: b => b.ProjectOut);
            }
            case "phi":
            {
                var c = config.As(DecoderModelsJsonContext.Default.PhiConfig);
                c.Validate(path);
                return Build(kernels, config, PhiModel.HeadNames, heads, ["model."], w => PhiModel.Load(kernels, w, c, path, arch),
                    c.HiddenSize, b => c.TieWordEmbeddings ? b.Embed : null);
            }
            case "gemma":
            {
                var c = config.As(DecoderModelsJsonContext.Default.GemmaConfig);
                c.Validate(path, gemma2: false);
                return Build(kernels, config, GemmaModel.HeadNames, heads.PadTokenIdOr(0), ["model."], w => GemmaModel.Load(kernels, w, c, path, arch),
                    c.HiddenSize, b => c.TieWordEmbeddings ? b.Embed : null);
            }
            case "gemma2":
            {
                var c = config.As(DecoderModelsJsonContext.Default.Gemma2Config);
                c.Validate(path, gemma2: true);
                return Build(kernels, config, GemmaModel.HeadNames, heads.PadTokenIdOr(0), ["model."], w => Gemma2Model.Load(kernels, w, c, path, arch),
                    c.HiddenSize, b => c.TieWordEmbeddings ? b.Embed : null, finalSoftCap: c.FinalLogitSoftcapping is double cap ? (float)cap : null);
            }
            case "phi3":
            {
                var c = config.As(DecoderModelsJsonContext.Default.Phi3Config);
                c.Validate(path);
                return Build(kernels, config, Phi3Model.HeadNames, heads.PadTokenIdOr(32000), ["model."], w => Phi3Model.Load(kernels, w, c, path, arch),
                    c.HiddenSize, b => c.TieWordEmbeddings ? b.Embed : null);
            }
            case "olmo2":
            {
                var c = config.As(DecoderModelsJsonContext.Default.Olmo2Config);
                c.Validate(path);
                return Build(kernels, config, Olmo2Model.HeadNames, heads, ["model."], w => Olmo2Model.Load(kernels, w, c, path, arch),
                    c.HiddenSize, b => c.TieWordEmbeddings ? b.Embed : null);
            }
            default:
                return null;
        }
    }

    /// <summary>
    /// Parses the head <paramref name="config"/>'s architecture names now (so a head the family lacks fails
    /// before any weight is opened) and returns the builder: the body loaded under the first of
    /// <paramref name="prefixes"/> the store holds, with that head attached.
    /// </summary>
    private static Func<WeightStore, ITransformerModel> Build<TBody>(IKernels kernels, ConfigFile config, DecoderHeadNames names,
        DecoderHeadConfig heads, string[] prefixes, Func<WeightScope, TBody> load, int features, Func<TBody, Embedding?> tiedEmbedding,
        Func<TBody, Linear?>? projectOut = null, float? finalSoftCap = null)
        where TBody : ITransformerModel
    {
        string arch = config.Architecture, path = config.Path;
        var head = DecoderHeads.Parse(arch, config.ModelType, path, names);
        return store =>
        {
            var root = store.WithPrefixes(prefixes).Root;
            var body = load(root);
            return DecoderHeads.Attach(kernels, body, head, root, names, heads, path, arch, features, tiedEmbedding(body),
                projectOut?.Invoke(body), finalSoftCap);
        };
    }
}
