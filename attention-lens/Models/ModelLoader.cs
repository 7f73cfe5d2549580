using AttentionLens.Checkpoints;
using AttentionLens.Models.Bert;
using AttentionLens.Models.DistilBert;
using AttentionLens.Models.Gpt2;
using AttentionLens.Models.Llama;
using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// Opens a Hugging Face checkpoint folder (config.json + weights) and builds the model for its
/// <c>model_type</c>. Throws <see cref="AttentionLensException"/> naming the file and the fault.
/// </summary>
public static class ModelLoader
{
    /// <summary>The model types <see cref="Load(string)"/> accepts.</summary>
    public static IReadOnlyList<string> SupportedModelTypes { get; } = ["bert", "roberta", "distilbert", "gpt2", "llama", "mistral", "qwen2", .. DecoderLoader.ModelTypes];

    /// <param name="directory">A checkpoint folder, or a hub id found in the local Hugging Face cache.</param>
    public static ITransformerModel Load(string directory) => Load(directory, CpuKernels.Instance);

    public static ITransformerModel Load(string directory, IKernels kernels)
    {
        var folder = ModelLocator.Resolve(directory);
        var config = ConfigFile.Open(folder);
        // Validate the config before opening (and mapping) any weights.
        var build = Prepare(config, kernels);
        return build(WeightStore.Open(folder));
    }

    /// <summary>Builds a model of <paramref name="config"/> over <paramref name="weights"/> (random presets, tests).</summary>
    public static ITransformerModel Build(ConfigFile config, WeightStore weights, IKernels kernels) => Prepare(config, kernels)(weights);

    private static Func<WeightStore, ITransformerModel> Prepare(ConfigFile config, IKernels kernels)
    {
        string type = config.ModelType, arch = config.Architecture, path = config.Path;
        switch (type)
        {
            case "bert":
            case "roberta":
            {
                var c = config.As(ModelsJsonContext.Default.BertConfig);
                c.Validate(path);
                int? pad = type == "roberta" ? c.PadTokenId ?? 1 : null;
                return store => BuildBert(kernels, store.WithPrefixes(type + "."), c, path, type, arch, pad);
            }
            case "distilbert":
            {
                var c = config.As(ModelsJsonContext.Default.DistilBertConfig);
                c.Validate(path);
                bool mlm = arch.EndsWith("ForMaskedLM", StringComparison.Ordinal);
                return store =>
                {
                    var root = store.WithPrefixes("distilbert.").Root;
                    var body = DistilBertModel.Load(kernels, root, c, path, arch);
                    return mlm ? DistilBertForMaskedLM.Load(kernels, body, root, c, path) : body;
                };
            }
            case "gpt2":
            {
                var c = config.As(ModelsJsonContext.Default.Gpt2Config);
                c.Validate(path);
                bool head = arch.EndsWith("LMHeadModel", StringComparison.Ordinal);
                if (DecoderLoader.TaskHead(config, DecoderLoader.Gpt2HeadNames) is { } task)
                    return store => DecoderLoader.AttachTaskHead(kernels, Gpt2LMHeadModel.Load(kernels, store.WithPrefixes("transformer.").Root, c, path, arch, withHead: false),
                        store.WithPrefixes("transformer.").Root, config, task, DecoderLoader.Gpt2HeadNames, c.NEmbd);
                return store => Gpt2LMHeadModel.Load(kernels, store.WithPrefixes("transformer.").Root, c, path, arch, head);
            }
            case "llama":
            case "mistral":
            case "qwen2":
            {
                var c = config.As(ModelsJsonContext.Default.LlamaConfig).ForModelType(type);
                c.Validate(path);
                bool head = arch.EndsWith("ForCausalLM", StringComparison.Ordinal);
                if (DecoderLoader.TaskHead(config, DecoderLoader.LlamaHeadNames) is { } task)
                    return store =>
                    {
                        // LlamaForQuestionAnswering keeps its body under "transformer.", the others under "model.".
                        var root = store.WithPrefixes("model.", "transformer.").Root;
                        return DecoderLoader.AttachTaskHead(kernels, LlamaForCausalLM.Load(kernels, root, c, path, type, arch, withHead: false), root, config, task,
                            DecoderLoader.LlamaHeadNames, c.HiddenSize);
                    };
                return store => LlamaForCausalLM.Load(kernels, store.WithPrefixes("model.").Root, c, path, type, arch, head);
            }
            default:
                return DecoderLoader.Prepare(config, kernels)
                    ?? throw new CheckpointException(path, $"model_type '{type}' is not supported; supported: {string.Join(", ", SupportedModelTypes)}. " +
                        $"The closest supported family is '{ClosestFamily.For(type, SupportedModelTypes)}' (similar, not the same computation: the checkpoint is not loaded as one).");
        }
    }

    private static ITransformerModel BuildBert(IKernels kernels, WeightStore store, BertConfig c, string path, string type, string arch, int? pad)
    {
        var root = store.Root;
        bool mlm = arch.EndsWith("ForMaskedLM", StringComparison.Ordinal);
        bool classifier = arch.EndsWith("ForSequenceClassification", StringComparison.Ordinal);
        bool pooler = !mlm && (classifier || root.Contains("pooler.dense.weight"));
        var body = BertModel.Load(kernels, root, c, path, type, arch, pooler, pad);
        if (mlm)
            return type == "roberta"
                ? BertForMaskedLM.Load(kernels, body, root.Scope("lm_head"), "dense", "layer_norm", c, path)
                : BertForMaskedLM.Load(kernels, body, root.Scope("cls").Scope("predictions"), "transform.dense", "transform.LayerNorm", c, path);
        if (classifier && type == "bert")
            return BertForSequenceClassification.Load(kernels, body, root, c);
        if (classifier)
            throw new CheckpointException(path, $"architecture {arch} is not supported (RoBERTa's classification head differs from BERT's); load the base model.");
        return body;
    }
}
