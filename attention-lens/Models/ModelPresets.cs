using AttentionLens.Checkpoints;
using AttentionLens.Models.Bert;
using AttentionLens.Models.Gpt2;
using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// Models of standard published sizes with random weights (no checkpoint), for benchmarks:
/// <c>bert-base</c> (BertModel, 12 layers, C 768, 12 heads, F 3072, V 30522), <c>gpt2</c>
/// (GPT2LMHeadModel, 12 layers, C 768, 12 heads, V 50257) and <c>gpt2-medium</c> (24 layers,
/// C 1024, 16 heads), <c>deberta-v3-base</c> (DebertaV2Model as microsoft/deberta-v3-base configures it:
/// 12 layers, C 768, 12 heads, V 128100, 256 log position buckets, shared c2p/p2c keys); <c>llama-1b</c>
/// (Llama-3.2-1B's shape: 16 layers, C 2048, 32/8 heads, F 8192, V 128256, tied head) and <c>llama-8b</c>
/// (Llama-3.1-8B's: 32 layers, C 4096, 32/8 heads, F 14336, V 128256), whose matrices are bf16 as those
/// checkpoints are; <c>pythia-160m</c> (GPTNeoXForCausalLM as EleutherAI/pythia-160m configures it: 12 layers,
/// C 768, 12 heads, F 3072, V 50304, rotary on a quarter of each head, parallel residual, untied embed_out).
/// Weights are drawn as <see cref="WeightStore.Random(int)"/> describes.
/// </summary>
public static class ModelPresets
{
    public static IReadOnlyList<string> Names { get; } = ["bert-base", "gpt2", "gpt2-medium", "deberta-v3-base", "llama-1b", "llama-8b", "pythia-160m"];

    /// <summary>The config of a Llama-shaped preset, or null for the others.</summary>
    public static Llama.LlamaConfig? LlamaShape(string preset) => preset switch
    {
        "llama-1b" => new Llama.LlamaConfig
        {
            VocabSize = 128256, HiddenSize = 2048, IntermediateSize = 8192, NumHiddenLayers = 16, NumAttentionHeads = 32,
            NumKeyValueHeads = 8, MaxPositionEmbeddings = 131072, RmsNormEps = 1e-5, RopeTheta = 500000, TieWordEmbeddings = true,
        },
        "llama-8b" => new Llama.LlamaConfig
        {
            VocabSize = 128256, HiddenSize = 4096, IntermediateSize = 14336, NumHiddenLayers = 32, NumAttentionHeads = 32,
            NumKeyValueHeads = 8, MaxPositionEmbeddings = 131072, RmsNormEps = 1e-5, RopeTheta = 500000, TieWordEmbeddings = false,
        },
        _ => null,
    };

    public static ITransformerModel CreateRandom(string preset, int seed) => CreateRandom(preset, seed, CpuKernels.Instance);

    public static ITransformerModel CreateRandom(string preset, int seed, IKernels kernels)
    {
        string source = $"preset {preset}";
        if (LlamaShape(preset) is { } llama)
            return Llama.LlamaForCausalLM.Load(kernels, WeightStore.Random(seed, WeightElementType.BFloat16).Root,
                llama, source, "llama", "LlamaForCausalLM", withHead: true);
        var root = WeightStore.Random(seed).Root;
        return preset switch
        {
            "bert-base" => BertModel.Load(kernels, root, new BertConfig(), source, "bert", "BertModel", pooler: true),
            "gpt2" => Gpt2LMHeadModel.Load(kernels, root, new Gpt2Config(), source, "GPT2LMHeadModel", withHead: true),
            "gpt2-medium" => Gpt2LMHeadModel.Load(kernels, root, new Gpt2Config { NEmbd = 1024, NLayer = 24, NHead = 16 }, source, "GPT2LMHeadModel", withHead: true),
            "deberta-v3-base" => DebertaV2.DebertaV2Model.Load(kernels, root, DebertaV3Base, source, "DebertaV2Model"),
            "pythia-160m" => Pythia160M(kernels, root, source),
            _ => throw new AttentionLensException($"unknown preset '{preset}'; choose one of {string.Join(", ", Names)}."),
        };
    }

    private static DebertaV2.DebertaV2Config DebertaV3Base => new()
    {
        HiddenSize = 768, NumHiddenLayers = 12, NumAttentionHeads = 12, IntermediateSize = 3072, VocabSize = 128100,
        RelativeAttention = true, PositionBuckets = 256, ShareAttKey = true, PositionBiasedInput = false, NormRelEbd = "layer_norm",
        PosAttTypeRaw = System.Text.Json.JsonDocument.Parse("[\"p2c\", \"c2p\"]").RootElement,
    };

    /// <summary>EleutherAI/pythia-160m's shape with its LM head (embed_out), through the same loader as a checkpoint's.</summary>
    private static ITransformerModel Pythia160M(IKernels kernels, WeightScope root, string source)
    {
        var c = new GptNeoX.GptNeoXConfig
        {
            VocabSize = 50304, HiddenSize = 768, NumHiddenLayers = 12, NumAttentionHeads = 12, IntermediateSize = 3072,
            RotaryPct = 0.25, MaxPositionEmbeddings = 2048, UseParallelResidual = true,
        };
        var body = GptNeoX.GptNeoXModel.Load(kernels, root, c, source, "GPTNeoXForCausalLM");
        return DecoderHeads.Attach(kernels, body, ModelHead.CausalLM, root, GptNeoX.GptNeoXModel.HeadNames, new DecoderHeadConfig(), source,
            "GPTNeoXForCausalLM", c.HiddenSize, tiedEmbedding: null);
    }
}
