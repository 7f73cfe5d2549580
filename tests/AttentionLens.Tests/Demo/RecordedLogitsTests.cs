using System.Text.Json;
using AttentionLens.Demo;
using AttentionLens.Models;
using AttentionLens.Tokenizers;

namespace AttentionLens.Tests.Demo;

/// <summary>
/// The engine and tokenizer reproduce what the training tool (training/train.py, torch fp32)
/// recorded for the bundled models: token ids from the text, and logits within 1e-4.
/// </summary>
public class RecordedLogitsTests
{
    public static TheoryData<string> Models => new() { "bert-pretrained", "bert-finetuned", "gpt2" };

    [Theory]
    [MemberData(nameof(Models))]
    public void EngineReproducesRecordedLogits(string name)
    {
        var folder = Path.Combine(DemoModels.Locate().Root, name);
        var model = ModelLoader.Load(folder);
        var cases = Cases(folder, out var tolerance);
        Assert.NotEmpty(cases);
        var worst = 0.0;
        var where = "";
        foreach (var c in cases)
        {
            var ids = c.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var result = model.Forward(new ForwardInput(ids));
            var classifier = c.TryGetProperty("classifier_logits", out var cl);
            var expected = (classifier ? cl : c.GetProperty("logits")).EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var actual = classifier ? result.ClassifierLogits : result.Logits;
            Assert.NotNull(actual);
            Assert.Equal(expected.Length, actual!.Length);
            for (var i = 0; i < expected.Length; i++)
            {
                var d = Math.Abs(actual[i] - expected[i]);
                if (d > worst || double.IsNaN(d))
                {
                    worst = double.IsNaN(d) ? double.PositiveInfinity : d;
                    where = $"'{c.GetProperty("text").GetString()}' logit {i} (expected {expected[i]}, got {actual[i]})";
                }
            }
        }

        Assert.True(worst <= tolerance, $"{name}: worst |Δlogit| = {worst:g3} > {tolerance} at {where}");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void TokenizerReproducesRecordedIds(string name)
    {
        var folder = Path.Combine(DemoModels.Locate().Root, name);
        var tokenizer = TokenizerLoader.Load(folder);
        foreach (var c in Cases(folder, out _))
        {
            var text = c.GetProperty("text").GetString()!;
            var encoding = tokenizer.Encode(text);
            Assert.Equal(c.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(), encoding.Ids);
            Assert.Equal(c.GetProperty("tokens").EnumerateArray().Select(e => e.GetString()!).ToArray(), encoding.Tokens.Select(t => t.Text).ToArray());
        }
    }

    private static List<JsonElement> Cases(string folder, out double tolerance)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "recorded_logits.json")));
        tolerance = doc.RootElement.GetProperty("tolerance").GetDouble();
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(e => e.Clone()).ToList();
    }
}
