using AttentionLens.Checkpoints;
using AttentionLens.Models.Albert;
using AttentionLens.Models.Bert;
using AttentionLens.Models.DebertaV2;
using AttentionLens.Models.DistilBert;
using AttentionLens.Models.Electra;
using AttentionLens.Models.Heads;
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
    public static IReadOnlyList<string> SupportedModelTypes { get; } = ["bert", "roberta", "distilbert", "gpt2", "llama", "mistral", "qwen2", "xlm-roberta", "electra", "albert", "deberta-v2", .. DecoderLoader.ModelTypes];

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
            case "xlm-roberta":
            {
                var c = config.As(ModelsJsonContext.Default.BertConfig);
                c.Validate(path);
                // XLM-R is RoBERTa's module under its own model_type; its weights keep the "roberta." prefix.
                int? pad = type != "bert" ? c.PadTokenId ?? 1 : null;
                string prefix = type == "bert" ? "bert." : "roberta.";
                return store => BertHeads.Load(kernels, store.WithPrefixes(prefix), c, config, type, pad);
            }
            case "distilbert":
            {
                var c = config.As(ModelsJsonContext.Default.DistilBertConfig);
                c.Validate(path);
                return store => DistilBertHeads.Load(kernels, store.WithPrefixes("distilbert."), c, config);
            }
            case "electra":
            {
                var c = config.As(EncodersJsonContext.Default.ElectraConfig);
                c.Validate(path);
                return store => ElectraHeads.Load(kernels, store.WithPrefixes("electra."), c, config);
            }
            case "albert":
            {
                var c = config.As(EncodersJsonContext.Default.AlbertConfig);
                c.Validate(path);
                return store => AlbertHeads.Load(kernels, store.WithPrefixes("albert."), c, config);
            }
            case "deberta-v2":
            {
                var c = config.As(EncodersJsonContext.Default.DebertaV2Config);
                c.Validate(path);
                return store => DebertaV2Heads.Load(kernels, store.WithPrefixes("deberta."), c, config);
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
}
