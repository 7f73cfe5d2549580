using System.Text.Json;
using System.Text.Json.Nodes;
using AttentionLens.Analysis;
using AttentionLens.Models;
using AttentionLens.Server.Protocol;
using AttentionLens.Server.Services;

namespace AttentionLens.Tests.Server;

/// <summary>
/// One forward pass per analysis (issue 17): the real pipeline on the demo GPT-2 with every model call
/// counted. Analysing runs the model once; opening Heads (all layers at once) and Layer Graph (one
/// layer at a time) afterwards runs it zero times; "last", an index and an editor position are
/// resolved by the server after tokenizing, each in one analysis of one pass.
/// </summary>
public class OneForwardPassTests
{
    private static readonly string Gpt2 = Path.Combine(SharedData.RepositoryRoot, "models", "demo", "gpt2");

    [Fact]
    public async Task PanelsAfterAnAnalysisRunNoForwardPass_AndTheServerResolvesTheTarget()
    {
        var backend = new CountingBackend();
        await using var client = new InMemoryClient(backend);
        await client.InitializeAsync();
        const string text = "the farmer with the student";
        await client.OpenAsync("file:///s.txt", text);

        var analysis = await Analyze(client, new JsonObject { ["target"] = "last" });
        Assert.Equal(1, backend.Forwards);
        int tokens = analysis.GetProperty("tokens").GetArrayLength();
        Assert.Equal(tokens - 1, analysis.GetProperty("target").GetInt32());
        var id = analysis.GetProperty("analysisId").GetString();
        int layers = analysis.GetProperty("layers").GetInt32(), heads = analysis.GetProperty("heads").GetInt32();

        // Heads: one request for every layer and head.
        var all = (await client.RequestAsync(Methods.Attention, new JsonObject { ["analysisId"] = id })).GetProperty("result");
        Assert.Equal(layers * heads, all.GetProperty("matrices").GetArrayLength());
        // Layer Graph stepping through the layers.
        for (int l = 1; l <= layers; l++)
            await client.RequestAsync(Methods.Attention, new JsonObject { ["analysisId"] = id, ["layer"] = l });
        Assert.Equal(1, backend.Forwards);

        // The kept attention is the forward pass's own: equal to a fresh pass.
        // (The tokenizer gives type ids 0, which GPT-2 embeds with wte as transformers does.)
        var ids = analysis.GetProperty("tokens").EnumerateArray().Select(t => t.GetProperty("id").GetInt32()).ToArray();
        var fresh = backend.Model!.Forward(new ForwardInput(ids, new int[ids.Length]));
        var m = all.GetProperty("matrices")[heads + 1];
        var data = m.GetProperty("data").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        var expected = fresh.LayerAttention(1).Slice(tokens * tokens, tokens * tokens).ToArray();
        Assert.Equal(expected, data);

        // An index, and an editor position inside "student" (the last word), each one pass.
        var byIndex = await Analyze(client, new JsonObject { ["target"] = 2 });
        Assert.Equal(2, byIndex.GetProperty("target").GetInt32());
        var atCursor = await Analyze(client, new JsonObject { ["targetPosition"] = new JsonObject { ["line"] = 0, ["character"] = text.IndexOf("student", StringComparison.Ordinal) + 3 } });
        var target = atCursor.GetProperty("target").GetInt32();
        Assert.Equal("student", atCursor.GetProperty("tokens")[target].GetProperty("text").GetString());
        // The fresh pass above used the unwrapped model: three analyses, three passes.
        Assert.Equal(3, backend.Forwards);
    }

    private static async Task<JsonElement> Analyze(InMemoryClient client, JsonObject extra)
    {
        var p = new JsonObject
        {
            ["textDocument"] = new JsonObject { ["uri"] = "file:///s.txt" },
            ["range"] = new JsonObject { ["start"] = new JsonObject { ["line"] = 0, ["character"] = 0 }, ["end"] = new JsonObject { ["line"] = 0, ["character"] = 27 } },
            ["model"] = Gpt2,
            ["methods"] = new JsonArray("attention", "rollout", "flow", "influence", "valueNorms"),
        };
        foreach (var (k, v) in extra) p[k] = v?.DeepClone();
        var response = await client.RequestAsync(Methods.Analyze, p);
        Assert.True(response.TryGetProperty("result", out var result), response.ToString());
        return result;
    }

    /// <summary>The real backend with every model call counted.</summary>
    private sealed class CountingBackend : IModelBackend
    {
        private readonly CoreModelBackend inner = new();
        private int forwards;

        public int Forwards => forwards;
        public ITransformerModel? Model { get; private set; }

        public LoadedModel Load(string directory, CancellationToken cancellationToken)
        {
            var loaded = inner.Load(directory, cancellationToken);
            Model = loaded.Model;
            return loaded with { Model = new Counting(loaded.Model, () => Interlocked.Increment(ref forwards)) };
        }

        public AnalysisResult Analyze(LoadedModel model, ForwardInput input, AnalysisOptions options, CancellationToken cancellationToken) =>
            inner.Analyze(model, input, options, cancellationToken);

        public ForwardResult Forward(LoadedModel model, ForwardInput input, CancellationToken cancellationToken) =>
            inner.Forward(model, input, cancellationToken);
    }

    private sealed class Counting(ITransformerModel model, Action counted) : ITransformerModel
    {
        public ModelInfo Info => model.Info;

        public ForwardResult Forward(ForwardInput input, ForwardOptions? options = null, CancellationToken cancellationToken = default)
        {
            counted();
            return model.Forward(input, options, cancellationToken);
        }
    }
}
