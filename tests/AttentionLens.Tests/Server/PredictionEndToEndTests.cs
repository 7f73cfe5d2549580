using System.Text.Json;
using System.Text.Json.Nodes;
using AttentionLens.Models;
using AttentionLens.Server.Protocol;
using AttentionLens.Server.Services;
using AttentionLens.Tests.Models;

namespace AttentionLens.Tests.Server;

/// <summary>
/// What a prediction is for each head, end to end through the server loop (tokenize → analyse →
/// protocol JSON). The models are the encoder goldens (tests/goldens/encoders, tiny BERTs whose logits
/// transformers computed); a vocab.txt whose id i is the word "w{i}" makes the text "w41 w84 …"
/// tokenize to the reference case's ids, so the explained label and its probability are checked against
/// transformers' own logits. Occlusion is checked against the drop recomputed here from the model's
/// forward pass with one token masked.
/// </summary>
public sealed class PredictionEndToEndTests : IDisposable
{
    private const double Tol = 1e-4;
    private readonly List<string> folders = [];

    public void Dispose()
    {
        foreach (var f in folders) Directory.Delete(f, recursive: true);
    }

    /// <summary>The golden <paramref name="name"/> with a 96-word vocab.txt: 0 [PAD], 1 [UNK], 2 [CLS], 3 [SEP], 4 [MASK]-free words w4..w95.</summary>
    private string ModelWithVocab(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"attention-lens-predict-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        folders.Add(dir);
        var golden = Path.Combine(EncoderGoldenTests.Root, name);
        File.Copy(Path.Combine(golden, "config.json"), Path.Combine(dir, "config.json"));
        File.Copy(Path.Combine(golden, "model.safetensors"), Path.Combine(dir, "model.safetensors"));
        File.WriteAllLines(Path.Combine(dir, "vocab.txt"), ["[PAD]", "[UNK]", "[CLS]", "[SEP]", .. Enumerable.Range(4, 92).Select(i => $"w{i}")]);
        return dir;
    }

    /// <summary>The reference case's ids without [CLS]/[SEP], as text.</summary>
    private static (string Text, float[] Logits, float[]? End, int[] Ids) Reference(string name, string logits, string? end = null)
    {
        using var reference = new ReferenceCase(Path.Combine(EncoderGoldenTests.Root, name, "reference", "single.safetensors"));
        var ids = reference.InputRow("input.input_ids", 0)!;
        var text = string.Join(' ', ids[1..^1].Select(i => $"w{i}"));
        return (text, reference.BatchSlice(logits, 0, 0), end is null ? null : reference.BatchSlice(end, 0, 0), ids);
    }

    private static async Task<JsonElement> AnalyzeAsync(string model, string text, JsonObject? extra = null, AttentionLens.Server.Protocol.Range? range = null)
    {
        await using var client = new InMemoryClient(new CoreModelBackend());
        await client.InitializeAsync();
        await client.OpenAsync("file:///p.txt", text);
        var doc = new TextDocument(text, 1);
        var p = new JsonObject
        {
            ["textDocument"] = new JsonObject { ["uri"] = "file:///p.txt" },
            ["range"] = JsonSerializer.SerializeToNode(range ?? doc.RangeOf(0, text.Length), ProtocolJsonContext.Default.Range),
            ["model"] = model,
            ["methods"] = new JsonArray("rollout", "faithfulness"),
        };
        foreach (var (k, v) in extra ?? []) p[k] = v?.DeepClone();
        var response = await client.RequestAsync(Methods.Analyze, p);
        Assert.True(response.TryGetProperty("result", out var result), response.ToString());
        return result.Clone();
    }

    private static double[] Softmax(ReadOnlySpan<float> v)
    {
        double max = double.NegativeInfinity;
        foreach (var x in v) max = Math.Max(max, x);
        var e = v.ToArray().Select(x => Math.Exp(x - max)).ToArray();
        var sum = e.Sum();
        return e.Select(x => x / sum).ToArray();
    }

    private static int ArgMax(ReadOnlySpan<float> v)
    {
        int best = 0;
        for (int i = 1; i < v.Length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    /// <summary>drop_j = s(full) − s(without j), recomputed here from the model's forward for <paramref name="score"/>.</summary>
    private static double[] Drops(ITransformerModel model, int[] ids, int[]? types, Func<ForwardResult, double> score)
    {
        double full = score(model.Forward(new ForwardInput(ids, types)));
        return Enumerable.Range(0, ids.Length).Select(j =>
        {
            var mask = Enumerable.Repeat(1, ids.Length).ToArray();
            mask[j] = 0;
            return full - score(model.Forward(new ForwardInput(ids, types, mask)));
        }).ToArray();
    }

    private static void Close(double[] want, JsonElement got, string what)
    {
        var g = got.EnumerateArray().Select(x => x.GetDouble()).ToArray();
        Assert.Equal(want.Length, g.Length);
        int worst = 0;
        for (int i = 1; i < want.Length; i++) if (Math.Abs(want[i] - g[i]) > Math.Abs(want[worst] - g[worst])) worst = i;
        Assert.True(Math.Abs(want[worst] - g[worst]) <= Tol, $"{what}: worst |Δ| {Math.Abs(want[worst] - g[worst]):G4} at {worst} (want {want[worst]}, got {g[worst]})");
    }

    [Fact]
    public async Task ClassifierExplainsItsPredictedLabelAndAPickedOne()
    {
        var dir = ModelWithVocab("bert_seqcls");
        var (text, logits, _, ids) = Reference("bert_seqcls", "logits");
        var p = Softmax(logits);
        int best = ArgMax(logits);
        string[] names = ["negative", "neutral", "positive"];

        // "last" (the editor's default target setting) gives way to the classification token.
        var result = await AnalyzeAsync(dir, text, new JsonObject { ["target"] = "last" });
        Assert.Equal(0, result.GetProperty("target").GetInt32());
        Assert.Equal(ids, result.GetProperty("tokens").EnumerateArray().Select(t => t.GetProperty("id").GetInt32()));
        var pred = result.GetProperty("prediction");
        Assert.Equal("sequenceClassification", pred.GetProperty("head").GetString());
        Assert.Equal(best, pred.GetProperty("index").GetInt32());
        Assert.Equal(names[best], pred.GetProperty("label").GetString());
        Assert.False(pred.GetProperty("chosen").GetBoolean());
        Assert.Equal(p[best], pred.GetProperty("probability").GetDouble(), Tol);
        var alternatives = pred.GetProperty("alternatives").EnumerateArray().ToArray();
        Assert.Equal(Enumerable.Range(0, 3).OrderByDescending(k => p[k]).Select(k => names[k]), alternatives.Select(a => a.GetProperty("label").GetString()));
        Assert.All(alternatives, a => Assert.Equal(p[a.GetProperty("index").GetInt32()], a.GetProperty("probability").GetDouble(), Tol));

        // Explain the least likely label, by name: occlusion measures that label's logit.
        int other = Enumerable.Range(0, 3).OrderBy(k => p[k]).First();
        var picked = await AnalyzeAsync(dir, text, new JsonObject { ["label"] = names[other].ToUpperInvariant() });
        var chosen = picked.GetProperty("prediction");
        Assert.Equal(other, chosen.GetProperty("index").GetInt32());
        Assert.True(chosen.GetProperty("chosen").GetBoolean());
        Assert.Equal(p[other], chosen.GetProperty("probability").GetDouble(), Tol);
        var model = ModelLoader.Load(dir);
        Close(Drops(model, ids, null, r => r.ClassifierLogits![other]), picked.GetProperty("faithfulness").GetProperty("occlusion"), "occlusion of the picked label's logit");
        Assert.Contains(names[other], picked.GetProperty("faithfulness").GetProperty("targetDescription").GetString());

        // By id, and an unknown label is refused naming the labels.
        var byId = await AnalyzeAsync(dir, text, new JsonObject { ["label"] = other.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Assert.Equal(other, byId.GetProperty("prediction").GetProperty("index").GetInt32());
        await using var client = new InMemoryClient(new CoreModelBackend());
        await client.InitializeAsync();
        await client.OpenAsync("file:///p.txt", text);
        var refused = await client.RequestAsync(Methods.Analyze, new JsonObject
        {
            ["textDocument"] = new JsonObject { ["uri"] = "file:///p.txt" },
            ["range"] = JsonSerializer.SerializeToNode(new TextDocument(text, 1).RangeOf(0, text.Length), ProtocolJsonContext.Default.Range),
            ["model"] = dir,
            ["label"] = "joyful",
        });
        var message = refused.GetProperty("error").GetProperty("message").GetString()!;
        Assert.Contains("joyful", message);
        Assert.Contains("positive", message);
    }

    [Fact]
    public async Task TokenClassifierExplainsTheChosenTokensLabelAndLabelsEveryToken()
    {
        var dir = ModelWithVocab("bert_tokcls");
        var (text, logits, _, ids) = Reference("bert_tokcls", "logits");
        string[] names = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"];
        const int target = 4;
        var result = await AnalyzeAsync(dir, text, new JsonObject { ["target"] = target });
        Assert.Equal(target, result.GetProperty("target").GetInt32());
        var pred = result.GetProperty("prediction");
        Assert.Equal("tokenClassification", pred.GetProperty("head").GetString());
        Assert.Equal(target, pred.GetProperty("position").GetInt32());
        var row = logits.AsSpan(target * 5, 5);
        int best = ArgMax(row);
        Assert.Equal(names[best], pred.GetProperty("label").GetString());
        Assert.Equal(Softmax(row)[best], pred.GetProperty("probability").GetDouble(), Tol);
        var labels = pred.GetProperty("tokenLabels").EnumerateArray().ToArray();
        Assert.Equal(ids.Length, labels.Length);
        for (int t = 0; t < ids.Length; t++)
        {
            var r = logits.AsSpan(t * 5, 5);
            Assert.Equal(names[ArgMax(r)], labels[t].GetProperty("label").GetString());
            Assert.Equal(Softmax(r)[ArgMax(r)], labels[t].GetProperty("probability").GetDouble(), Tol);
        }
        var model = ModelLoader.Load(dir);
        Close(Drops(model, ids, null, r => r.TokenClassifierLogits![target * 5 + best]), result.GetProperty("faithfulness").GetProperty("occlusion"), "occlusion of the token's label logit");
    }

    [Fact]
    public async Task CliLabelAndQaEndReachTheResultAndTheHtmlReportShowsThePrediction()
    {
        var dir = ModelWithVocab("bert_seqcls");
        var (text, logits, _, _) = Reference("bert_seqcls", "logits");
        var p = Softmax(logits);
        var html = Path.Combine(dir, "report.html");
        var json = Path.Combine(dir, "result.json");
        var root = new System.CommandLine.RootCommand { AttentionLens.Server.Cli.AnalyzeCommand.Create() };
        Assert.Equal(0, await root.Parse(["analyze", "--model", dir, "--text", text, "--label", "neutral", "--format", "html", "--out", html]).InvokeAsync());
        Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"label neutral (p = {p[1]:0.000}, chosen)"), await File.ReadAllTextAsync(html));

        var qa = ModelWithVocab("bert_qa");
        Assert.Equal(0, await root.Parse(["analyze", "--model", qa, "--text", "w33 w50", "--context", "w91 w24 w7", "--qa-end", "--out", json]).InvokeAsync());
        using var result = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var pred = result.RootElement.GetProperty("prediction");
        Assert.True(pred.GetProperty("spanEnd").GetBoolean());
        Assert.Equal(pred.GetProperty("span").GetProperty("end").GetInt32(), pred.GetProperty("position").GetInt32());
        Assert.Equal(new[] { 2, 33, 50, 3, 91, 24, 7, 3 }, result.RootElement.GetProperty("tokens").EnumerateArray().Select(t => t.GetProperty("id").GetInt32()));
    }

    [Fact]
    public async Task HoverShowsTheExplainedLabelAndTheHoveredTokensLabel()
    {
        var dir = ModelWithVocab("bert_tokcls");
        var (text, logits, _, _) = Reference("bert_tokcls", "logits");
        string[] names = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"];
        await using var client = new InMemoryClient(new CoreModelBackend());
        await client.InitializeAsync();
        await client.OpenAsync("file:///h.txt", text);
        var analysis = await client.RequestAsync(Methods.Analyze, new JsonObject
        {
            ["textDocument"] = new JsonObject { ["uri"] = "file:///h.txt" },
            ["range"] = JsonSerializer.SerializeToNode(new TextDocument(text, 1).RangeOf(0, text.Length), ProtocolJsonContext.Default.Range),
            ["model"] = dir,
            ["target"] = 1,
        });
        Assert.True(analysis.TryGetProperty("result", out _), analysis.ToString());
        // Token 2 is the second word, at character 4 ("w84 …" after "w41 ").
        var hover = await client.RequestAsync(Methods.Hover, new JsonObject
        {
            ["textDocument"] = new JsonObject { ["uri"] = "file:///h.txt" },
            ["position"] = new JsonObject { ["line"] = 0, ["character"] = text.IndexOf(' ', StringComparison.Ordinal) + 2 },
        });
        var markdown = hover.GetProperty("result").GetProperty("contents").GetProperty("value").GetString()!;
        Assert.Contains($"Explains label {names[ArgMax(logits.AsSpan(5, 5))]} of token 1", markdown);
        Assert.Contains($"Predicted label of this token: **{names[ArgMax(logits.AsSpan(10, 5))]}**", markdown);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task QuestionAnsweringBuildsThePairAndExplainsTheSpansStartOrEnd(bool end)
    {
        var dir = ModelWithVocab("bert_qa");
        const string question = "w33 w50 w30";
        const string context = "w91 w24 w7 w37 w6";
        var text = $"header\n{question} ||| {context}\n";
        var doc = new TextDocument(text, 1);
        var range = doc.RangeOf(7, 7 + question.Length + 5 + context.Length);
        var result = await AnalyzeAsync(dir, text, end ? new JsonObject { ["qaEnd"] = true, ["target"] = "last" } : new JsonObject { ["target"] = "first" }, range);

        // [CLS] q [SEP] c [SEP], the tokenizer's pair template; context tokens map into the document.
        int[] ids = [2, 33, 50, 30, 3, 91, 24, 7, 37, 6, 3];
        int[] types = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
        var tokens = result.GetProperty("tokens").EnumerateArray().ToArray();
        Assert.Equal(ids, tokens.Select(t => t.GetProperty("id").GetInt32()));
        var contextStart = text.IndexOf("w91", StringComparison.Ordinal);
        Assert.Equal(doc.RangeOf(contextStart, contextStart + 3), tokens[5].GetProperty("range").Deserialize(ProtocolJsonContext.Default.Range));

        var model = ModelLoader.Load(dir);
        var forward = model.Forward(new ForwardInput(ids, types));
        // The span transformers' pipeline picks: max start_s + end_e with s ≤ e < s + 15.
        (int S, int E) span = (0, 0);
        double best = double.NegativeInfinity;
        for (int s = 0; s < ids.Length; s++)
            for (int e = s; e < Math.Min(ids.Length, s + 15); e++)
                if (forward.StartLogits![s] + (double)forward.EndLogits![e] > best) { best = forward.StartLogits[s] + (double)forward.EndLogits[e]; span = (s, e); }
        var pred = result.GetProperty("prediction");
        Assert.Equal("questionAnswering", pred.GetProperty("head").GetString());
        Assert.Equal(span.S, pred.GetProperty("span").GetProperty("start").GetInt32());
        Assert.Equal(span.E, pred.GetProperty("span").GetProperty("end").GetInt32());
        int at = end ? span.E : span.S;
        Assert.Equal(at, pred.GetProperty("position").GetInt32());
        Assert.Equal(at, result.GetProperty("target").GetInt32());
        Assert.Equal(end, pred.GetProperty("spanEnd").GetBoolean());
        var logits = end ? forward.EndLogits! : forward.StartLogits!;
        Assert.Equal(Softmax(logits)[at], pred.GetProperty("probability").GetDouble(), Tol);
        Close(Drops(model, ids, types, r => (end ? r.EndLogits! : r.StartLogits!)[at]), result.GetProperty("faithfulness").GetProperty("occlusion"), "occlusion of the span's logit");
    }

    [Fact]
    public async Task QuestionAnsweringWithoutAContextIsRefusedSayingHowToGiveOne()
    {
        var dir = ModelWithVocab("bert_qa");
        await using var client = new InMemoryClient(new CoreModelBackend());
        await client.InitializeAsync();
        await client.OpenAsync("file:///q.txt", "w33 w50");
        var response = await client.RequestAsync(Methods.Analyze, new JsonObject
        {
            ["textDocument"] = new JsonObject { ["uri"] = "file:///q.txt" },
            ["range"] = JsonSerializer.SerializeToNode(new TextDocument("w33 w50", 1).RangeOf(0, 7), ProtocolJsonContext.Default.Range),
            ["model"] = dir,
        });
        Assert.Contains("|||", response.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task LanguageModelExplainsTheNextTokenWithItsTextAndAlternatives()
    {
        var model = SharedData.Path("models", "stories260K");
        var result = await AnalyzeAsync(model, "Once upon a time");
        var pred = result.GetProperty("prediction");
        Assert.Equal("causalLM", pred.GetProperty("head").GetString());
        var loaded = ModelLoader.Load(model);
        var ids = result.GetProperty("tokens").EnumerateArray().Select(t => t.GetProperty("id").GetInt32()).ToArray();
        var logits = loaded.Forward(new ForwardInput(ids)).Logits!;
        int v = logits.Length / ids.Length;
        var row = logits.AsSpan((ids.Length - 1) * v, v).ToArray();
        Assert.Equal(ArgMax(row), pred.GetProperty("index").GetInt32());
        Assert.Equal(Softmax(row)[ArgMax(row)], pred.GetProperty("probability").GetDouble(), Tol);
        Assert.Equal(5, pred.GetProperty("alternatives").GetArrayLength());
        Assert.False(string.IsNullOrEmpty(pred.GetProperty("label").GetString()));
        Assert.NotEqual(ArgMax(row).ToString(System.Globalization.CultureInfo.InvariantCulture), pred.GetProperty("label").GetString());

        // Another token, picked from the alternatives by id: explained with its own probability.
        var second = pred.GetProperty("alternatives")[1];
        var picked = await AnalyzeAsync(model, "Once upon a time", new JsonObject { ["label"] = second.GetProperty("index").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var chosen = picked.GetProperty("prediction");
        Assert.True(chosen.GetProperty("chosen").GetBoolean());
        Assert.Equal(second.GetProperty("label").GetString(), chosen.GetProperty("label").GetString());
        Assert.Equal(Softmax(row)[second.GetProperty("index").GetInt32()], chosen.GetProperty("probability").GetDouble(), Tol);
        Close(Drops(loaded, ids, null, r => LogSoftmax(r.Logits!.AsSpan((ids.Length - 1) * v, v), second.GetProperty("index").GetInt32())),
            picked.GetProperty("faithfulness").GetProperty("occlusion"), "occlusion of the picked token's log-probability");
    }

    private static double LogSoftmax(ReadOnlySpan<float> row, int k) => Math.Log(Softmax(row)[k]);
}
