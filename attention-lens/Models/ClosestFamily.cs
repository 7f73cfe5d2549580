namespace AttentionLens.Models;

/// <summary>
/// For a model_type Attention Lens does not load, the supported family it most resembles, so the
/// refusal can say what to look at (the architecture is still refused: resembling is not computing
/// the same thing). Known relatives come from a small table of how the Hugging Face architectures
/// derive from each other (transformers' "Copied from" lineage); other names fall back to the
/// nearest supported name by edit distance.
/// </summary>
public static class ClosestFamily
{
    private static readonly Dictionary<string, string> Relatives = new(StringComparer.Ordinal)
    {
        // Llama's descendants: RMSNorm, rotary, SwiGLU.
        ["mixtral"] = "mistral", ["starcoder2"] = "mistral", ["qwen2_moe"] = "qwen2", ["qwen3"] = "qwen2", ["qwen3_moe"] = "qwen2",
        ["cohere"] = "llama", ["cohere2"] = "llama", ["granite"] = "llama", ["granitemoe"] = "llama", ["olmo"] = "llama", ["olmoe"] = "olmo2",
        ["nemotron"] = "llama", ["glm"] = "llama", ["deepseek_v3"] = "llama", ["code_llama"] = "llama", ["jetmoe"] = "llama",
        ["gemma3"] = "gemma2", ["gemma3_text"] = "gemma2", ["recurrent_gemma"] = "gemma", ["phimoe"] = "phi3",
        // Fused qkv, parallel blocks, partial rotary.
        ["falcon"] = "gpt_neox", ["gpt_neox_japanese"] = "gpt_neox", ["stablelm"] = "gpt_neox", ["gptj"] = "phi", ["codegen"] = "phi", ["persimmon"] = "phi",
        // Learned absolute positions, LayerNorm.
        ["gpt_neo"] = "gpt2", ["gpt_bigcode"] = "gpt2", ["bloom"] = "gpt2", ["mpt"] = "gpt2", ["openai-gpt"] = "gpt2", ["ctrl"] = "gpt2",
        ["xglm"] = "opt", ["biogpt"] = "opt",
        // Encoders.
        ["xlm-roberta"] = "roberta", ["xlm-roberta-xl"] = "roberta", ["camembert"] = "roberta", ["roberta-prelayernorm"] = "roberta", ["xmod"] = "roberta",
        ["electra"] = "bert", ["albert"] = "bert", ["deberta"] = "bert", ["deberta-v2"] = "bert", ["mpnet"] = "bert", ["ernie"] = "bert",
        ["megatron-bert"] = "bert", ["mobilebert"] = "bert", ["squeezebert"] = "bert", ["modernbert"] = "bert", ["nomic_bert"] = "bert",
        ["roformer"] = "bert", ["convbert"] = "bert", ["layoutlm"] = "bert",
    };

    /// <summary>The supported model type closest to <paramref name="modelType"/> among <paramref name="supported"/>.</summary>
    public static string For(string modelType, IReadOnlyList<string> supported)
    {
        if (Relatives.TryGetValue(modelType, out var relative) && supported.Contains(relative)) return relative;
        string normalized = modelType.ToLowerInvariant().Replace('-', '_');
        return supported.OrderBy(s => EditDistance(normalized, s.Replace('-', '_'))).ThenBy(s => s, StringComparer.Ordinal).First();
    }

    /// <summary>Levenshtein distance (insertions, deletions, substitutions of one character each).</summary>
    public static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
