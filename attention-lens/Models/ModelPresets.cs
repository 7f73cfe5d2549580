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
/// 12 layers, C 768, 12 heads, V 128100, 256 log position buckets, shared c2p/p2c keys). Weights are drawn as <see cref="WeightStore.Random"/> describes.
/// </summary>
public static class ModelPresets
{
    public static IReadOnlyList<string> Names { get; } = ["bert-base", "gpt2", "gpt2-medium", "deberta-v3-base"];

    public static ITransformerModel CreateRandom(string preset, int seed) => CreateRandom(preset, seed, CpuKernels.Instance);

    public static ITransformerModel CreateRandom(string preset, int seed, IKernels kernels)
    {
        var root = WeightStore.Random(seed).Root;
        string source = $"preset {preset}";
        return preset switch
        {
            "bert-base" => BertModel.Load(kernels, root, new BertConfig(), source, "bert", "BertModel", pooler: true),
            "gpt2" => Gpt2LMHeadModel.Load(kernels, root, new Gpt2Config(), source, "GPT2LMHeadModel", withHead: true),
            "gpt2-medium" => Gpt2LMHeadModel.Load(kernels, root, new Gpt2Config { NEmbd = 1024, NLayer = 24, NHead = 16 }, source, "GPT2LMHeadModel", withHead: true),
            "deberta-v3-base" => DebertaV2.DebertaV2Model.Load(kernels, root, DebertaV3Base, source, "DebertaV2Model"),
            _ => throw new AttentionLensException($"unknown preset '{preset}'; choose one of {string.Join(", ", Names)}."),
        };
    }

    private static DebertaV2.DebertaV2Config DebertaV3Base => new()
    {
        HiddenSize = 768, NumHiddenLayers = 12, NumAttentionHeads = 12, IntermediateSize = 3072, VocabSize = 128100,
        RelativeAttention = true, PositionBuckets = 256, ShareAttKey = true, PositionBiasedInput = false, NormRelEbd = "layer_norm",
        PosAttTypeRaw = System.Text.Json.JsonDocument.Parse("[\"p2c\", \"c2p\"]").RootElement,
    };
}
