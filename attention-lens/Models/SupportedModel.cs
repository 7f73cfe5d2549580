namespace AttentionLens.Models;

/// <summary>One model_type <see cref="ModelLoader"/> builds, the heads it builds for it, and the
/// reference its outputs were verified against (the golden tests that hold them to 1e-4).</summary>
public sealed record SupportedModel(string ModelType, IReadOnlyList<ModelHead> Heads, string VerifiedAgainst)
{
    /// <summary>Every supported model type with its heads, in <see cref="ModelLoader.SupportedModelTypes"/> order.</summary>
    public static IReadOnlyList<SupportedModel> All { get; } = Build();

    private static IReadOnlyList<SupportedModel> Build()
    {
        const string hf440 = "transformers 4.40 (5728b5ad), ../shared/golden/hf";
        const string hf448 = "transformers 4.48.0.dev0 (9feae5fb0) on torch 1.13, tests/goldens/decoders";
        ModelHead[] lm = [ModelHead.Base, ModelHead.CausalLM];
        ModelHead[] classifiers = [ModelHead.SequenceClassification, ModelHead.TokenClassification];
        ModelHead[] qa = [ModelHead.QuestionAnswering];
        const string hf448enc = "transformers 4.48.0.dev0 on torch 1.13, tests/goldens/encoders";
        ModelHead[] encoder = [ModelHead.Base, ModelHead.MaskedLM, .. classifiers, .. qa];
        return
        [
            new("bert", encoder, $"{hf440} (base, MLM); {hf448enc} (heads)"),
            new("roberta", encoder, $"{hf440} (base, MLM); {hf448enc} (heads)"),
            new("distilbert", encoder, $"{hf440} (base, MLM); {hf448enc} (heads)"),
            new("gpt2", [.. lm, .. classifiers, .. qa], $"{hf440} (LM); {hf448} (classifiers, QA)"),
            new("llama", [.. lm, .. classifiers, .. qa], $"{hf440} (LM); {hf448} (classifiers, QA)"),
            new("mistral", [.. lm, .. classifiers, .. qa], hf448),
            new("qwen2", [.. lm, .. classifiers, .. qa], hf448),
            new("gpt_neox", [.. lm, .. classifiers, .. qa], hf448),
            new("opt", [.. lm, ModelHead.SequenceClassification, .. qa], hf448),
            new("phi", [.. lm, .. classifiers], hf448),
            new("gemma", [.. lm, .. classifiers], hf448),
            new("gemma2", [.. lm, .. classifiers], hf448),
            new("phi3", [.. lm, .. classifiers], hf448),
            new("olmo2", lm, hf448),
            new("xlm-roberta", encoder, hf448enc),
            new("electra", encoder, $"{hf448enc} (the discriminator is a one-label token classifier)"),
            new("albert", encoder, hf448enc),
            new("deberta-v2", encoder, hf448enc),
        ];
    }
}
