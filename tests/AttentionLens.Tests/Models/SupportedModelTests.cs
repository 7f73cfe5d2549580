using System.Text.Json;
using AttentionLens.Models;

namespace AttentionLens.Tests.Models;

/// <summary>
/// The list `attention-lens models --supported` and the README print: every model type the loader
/// accepts has a row, and every head a row claims is held to transformers by a golden model
/// (a config of that model_type whose architecture names that head, in tests/goldens/decoders or
/// ../shared/golden/hf), which the golden tests run (decoder rows; the encoder rows are the encoder
/// goldens' to check).
/// </summary>
public sealed class SupportedModelTests
{
    [Fact]
    public void EveryLoadableModelTypeIsListed() =>
        Assert.Equal(ModelLoader.SupportedModelTypes.Order(), SupportedModel.All.Select(m => m.ModelType).Order());

    [Fact]
    public void EveryListedHeadHasAGolden()
    {
        var goldens = Directory.GetDirectories(DecoderGoldenTests.Root)
            .Concat(Directory.GetDirectories(SharedData.Path("golden", "hf")))
            .Select(folder => JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "config.json"))).RootElement)
            .Select(c => (Type: c.GetProperty("model_type").GetString()!, Arch: c.GetProperty("architectures")[0].GetString()!))
            .ToList();
        var missing = new List<string>();
        string[] decoders = ["gpt2", "llama", "mistral", "qwen2", "gpt_neox", "opt", "phi", "gemma", "gemma2", "phi3", "olmo2"];
        foreach (var model in SupportedModel.All.Where(m => decoders.Contains(m.ModelType)))
            foreach (var head in model.Heads.Where(h => h != ModelHead.Base))
            {
                string suffix = head switch
                {
                    ModelHead.CausalLM => model.ModelType == "gpt2" ? "LMHeadModel" : "ForCausalLM",
                    _ => "For" + head,
                };
                if (!goldens.Any(g => g.Type == model.ModelType && g.Arch.EndsWith(suffix, StringComparison.Ordinal)))
                    missing.Add($"{model.ModelType} {head}");
            }
        Assert.True(missing.Count == 0, "listed without a golden: " + string.Join(", ", missing));
    }
}
