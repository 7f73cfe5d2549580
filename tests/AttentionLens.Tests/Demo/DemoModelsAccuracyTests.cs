using System.Text.Json;
using AttentionLens.Demo;
using AttentionLens.Models;
using AttentionLens.Tokenizers;

namespace AttentionLens.Tests.Demo;

/// <summary>The bundled models, loaded by the engine, reach the accuracy that models/demo/README.md
/// claims (the claim is also in models/demo/training.json, "claims").</summary>
public class DemoModelsAccuracyTests
{
    [Fact]
    public void FinetunedClassifierReachesClaimedAccuracyOn200HeldOutSentences()
    {
        var models = DemoModels.Locate();
        var set = HeldOutSet.Load(models.HeldOut);
        var model = ModelLoader.Load(models.BertFinetuned);
        var tokenizer = TokenizerLoader.Load(models.BertFinetuned);
        var labels = DemoModels.ReadLabels(models.BertFinetuned, model.Info.NumLabels);
        Assert.Equal(set.Labels, labels);
        var sentences = set.Classification.Take(200).ToArray();
        Assert.Equal(200, sentences.Length);
        var wrong = new List<string>();
        foreach (var s in sentences)
        {
            var encoding = tokenizer.Encode(s.Text);
            var logits = model.Forward(new ForwardInput(encoding.Ids, encoding.TypeIds)).ClassifierLogits!;
            var predicted = labels[logits[1] > logits[0] ? 1 : 0];
            if (predicted != s.Number)
            {
                wrong.Add($"'{s.Text}' → {predicted}");
            }
        }

        var accuracy = 1.0 - wrong.Count / 200.0;
        var claimed = Claim("classifier_accuracy_200");
        Assert.True(accuracy >= claimed, $"accuracy {accuracy:0.000} < claimed {claimed:0.000}; wrong: {string.Join("; ", wrong.Take(10))}");
    }

    [Fact]
    public void Gpt2PrefersTheAgreeingVerbAsClaimed()
    {
        var models = DemoModels.Locate();
        var set = HeldOutSet.Load(models.HeldOut);
        var model = ModelLoader.Load(models.Gpt2);
        var tokenizer = TokenizerLoader.Load(models.Gpt2);
        var sentences = set.Agreement.Take(200).ToArray();
        var right = 0;
        foreach (var s in sentences)
        {
            var encoding = tokenizer.Encode(s.PrefixBeforeVerb);
            var logits = model.Forward(new ForwardInput(encoding.Ids)).Logits!;
            var row = (encoding.Count - 1) * model.Info.VocabSize;
            right += logits[row + tokenizer.TokenToId(s.AgreeingVerb)!.Value] > logits[row + tokenizer.TokenToId(s.OtherVerb)!.Value] ? 1 : 0;
        }

        var accuracy = right / (double)sentences.Length;
        var claimed = Claim("gpt2_agreement_accuracy_200");
        Assert.True(accuracy >= claimed, $"GPT-2 agreement accuracy {accuracy:0.000} < claimed {claimed:0.000}");
    }

    private static double Claim(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(DemoModels.Locate().Root, "training.json")));
        return doc.RootElement.GetProperty("claims").GetProperty(name).GetDouble();
    }
}
