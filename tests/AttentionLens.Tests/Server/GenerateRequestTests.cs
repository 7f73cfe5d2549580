using System.Text.Json;
using System.Text.Json.Nodes;
using AttentionLens.Server.Protocol;
using AttentionLens.Server.Services;

namespace AttentionLens.Tests.Server;

/// <summary>
/// attentionLens/generate through the server loop with the real pipeline: stories260K continues the
/// manifest's prompt with transformers' greedy ids and text, reports progress per token on the
/// client's work-done token, refuses bad options by name (-32602) and non-causal models (1007), takes
/// its defaults from the validated <c>generation</c> settings; and analyze's <c>continuation</c>
/// explains a generated token: its prediction at the last position is that token, with the
/// probability generate reported.
/// </summary>
public sealed class GenerateRequestTests
{
    private const string Uri = "file:///g.txt";
    private const string Prompt = "Once upon a time, there was a little girl named Lily.";
    private static readonly string Stories = SharedData.Path("models", "stories260K");

    private static JsonObject Params(string model, JsonObject? extra = null)
    {
        var p = new JsonObject
        {
            ["textDocument"] = new JsonObject { ["uri"] = Uri },
            ["range"] = JsonSerializer.SerializeToNode(new TextDocument(Prompt, 1).RangeOf(0, Prompt.Length), ProtocolJsonContext.Default.Range),
            ["model"] = model,
        };
        foreach (var (k, v) in extra ?? []) p[k] = v?.DeepClone();
        return p;
    }

    private static async Task<InMemoryClient> Open(JsonObject? settings = null)
    {
        var client = new InMemoryClient(new CoreModelBackend());
        await client.InitializeAsync(options: settings);
        await client.OpenAsync(Uri, Prompt);
        return client;
    }

    [Fact]
    public async Task Greedy_continuation_equals_the_manifest_with_progress_per_token()
    {
        await using var client = await Open();
        var response = await client.RequestAsync(Methods.Generate, Params(Stories, new JsonObject { ["maxNewTokens"] = 24, ["workDoneToken"] = "g1" }));
        Assert.True(response.TryGetProperty("result", out var result), response.ToString());
        int[] expected = [338, 401, 396, 267, 337, 410, 408, 419, 292, 411, 322, 265, 282, 295, 433, 426, 385, 328, 432, 358, 394, 261, 370, 432];
        var tokens = result.GetProperty("tokens").EnumerateArray().ToArray();
        Assert.Equal(expected, tokens.Select(t => t.GetProperty("id").GetInt32()));
        Assert.Equal(" She loved to play outside in the park. One day, she saw a big,", result.GetProperty("text").GetString());
        Assert.Equal(result.GetProperty("text").GetString(), string.Concat(tokens.Select(t => t.GetProperty("text").GetString())));
        Assert.Equal(16, result.GetProperty("prompt").GetArrayLength());
        Assert.Equal(Enumerable.Range(16, 24), tokens.Select(t => t.GetProperty("index").GetInt32()));
        Assert.Equal("maxNewTokens", result.GetProperty("stopReason").GetString());
        Assert.True(result.GetProperty("keyValueCache").GetBoolean());
        Assert.False(result.TryGetProperty("seed", out _));
        Assert.All(tokens, t => Assert.InRange(t.GetProperty("probability").GetDouble(), 0.0, 1.0));
        var reports = client.Notifications.Where(n => n.Method == Methods.Progress && n.Params.GetProperty("token").GetString() == "g1")
            .Select(n => n.Params.GetProperty("value")).ToList();
        Assert.Equal("begin", reports[0].GetProperty("kind").GetString());
        Assert.Equal("end", reports[^1].GetProperty("kind").GetString());
        Assert.Contains(reports, r => r.TryGetProperty("message", out var m) && m.GetString() == "24 of 24 tokens");
    }

    [Theory]
    [InlineData("maxNewTokens", 0)]
    [InlineData("maxNewTokens", 5000)]
    [InlineData("temperature", -1.0)]
    [InlineData("topP", 0.0)]
    [InlineData("topP", 1.5)]
    [InlineData("seed", -3)]
    public async Task Options_out_of_range_are_refused_naming_them(string name, double value)
    {
        await using var client = await Open();
        var response = await client.RequestAsync(Methods.Generate, Params(Stories, new JsonObject { [name] = JsonValue.Create(value) }));
        var error = response.GetProperty("error");
        Assert.Equal(ErrorCodes.InvalidParams, error.GetProperty("code").GetInt32());
        Assert.Contains(name, error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task An_encoder_cannot_generate()
    {
        await using var client = await Open();
        var response = await client.RequestAsync(Methods.Generate, Params(SharedData.Path("golden", "hf", "bert")));
        var error = response.GetProperty("error");
        Assert.Equal(ErrorCodes.InvalidInput, error.GetProperty("code").GetInt32());
        Assert.Contains("causal language model", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Defaults_come_from_the_generation_settings_which_are_validated()
    {
        await using var client = await Open(new JsonObject { ["generation"] = new JsonObject { ["maxNewTokens"] = 3, ["temperature"] = 0.7, ["topP"] = 0.9 } });
        var result = (await client.RequestAsync(Methods.Generate, Params(Stories, new JsonObject { ["seed"] = 11 }))).GetProperty("result");
        Assert.Equal(3, result.GetProperty("tokens").GetArrayLength());
        Assert.Equal(11, result.GetProperty("seed").GetInt64());
        var again = (await client.RequestAsync(Methods.Generate, Params(Stories, new JsonObject { ["seed"] = 11 }))).GetProperty("result");
        Assert.Equal(result.GetProperty("text").GetString(), again.GetProperty("text").GetString());

        await using var refused = new InMemoryClient(new CoreModelBackend());
        var init = await refused.InitializeAsync(options: new JsonObject { ["generation"] = new JsonObject { ["topP"] = 0 } });
        Assert.Equal(ErrorCodes.InvalidParams, init.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Contains("generation.topP", init.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_generated_token_is_explained_with_the_prefix_before_it()
    {
        await using var client = await Open();
        var generated = (await client.RequestAsync(Methods.Generate, Params(Stories, new JsonObject { ["maxNewTokens"] = 6 }))).GetProperty("result");
        var tokens = generated.GetProperty("tokens").EnumerateArray().ToArray();
        // Explain token 3 ("▁to"): the input is the prompt and tokens 0..2, the target the last of them.
        int k = 3;
        var prefix = new JsonArray(tokens.Take(k).Select(t => (JsonNode)JsonValue.Create(t.GetProperty("id").GetInt32())!).ToArray());
        var analysis = (await client.RequestAsync(Methods.Analyze, Params(Stories, new JsonObject
        {
            ["continuation"] = prefix, ["target"] = "last", ["label"] = tokens[k].GetProperty("id").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["methods"] = new JsonArray("rollout", "influence"),
        }))).GetProperty("result");
        var analysed = analysis.GetProperty("tokens").EnumerateArray().ToArray();
        Assert.Equal(16 + k, analysed.Length);
        Assert.Equal(16 + k - 1, analysis.GetProperty("target").GetInt32());
        var end = new TextDocument(Prompt, 1).PositionAt(Prompt.Length);
        foreach (var t in analysed[16..])
        {
            Assert.False(t.GetProperty("special").GetBoolean());
            Assert.Equal(end.Character, t.GetProperty("range").GetProperty("start").GetProperty("character").GetInt32());
            Assert.Equal(end.Character, t.GetProperty("range").GetProperty("end").GetProperty("character").GetInt32());
        }
        var prediction = analysis.GetProperty("prediction");
        Assert.Equal(tokens[k].GetProperty("id").GetInt32(), prediction.GetProperty("index").GetInt32());
        // Greedy: the generated token is also the model's own prediction there, with generate's probability.
        Assert.Equal(tokens[k].GetProperty("probability").GetDouble(), prediction.GetProperty("probability").GetDouble(), 1e-4);
        Assert.Equal(tokens[k].GetProperty("id").GetInt32(), prediction.GetProperty("alternatives")[0].GetProperty("index").GetInt32());

        var encoder = await client.RequestAsync(Methods.Analyze, Params(SharedData.Path("golden", "hf", "bert"), new JsonObject { ["continuation"] = new JsonArray(5) }));
        Assert.Equal(ErrorCodes.InvalidParams, encoder.GetProperty("error").GetProperty("code").GetInt32());
        var outside = await client.RequestAsync(Methods.Analyze, Params(Stories, new JsonObject { ["continuation"] = new JsonArray(100000) }));
        Assert.Contains("continuation[0]", outside.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Malformed_requests_get_specific_codes()
    {
        await using var client = await Open();
        var closed = Params(Stories);
        closed["textDocument"] = new JsonObject { ["uri"] = "file:///not-open.txt" };
        Assert.Equal(ErrorCodes.DocumentNotOpen, (await client.RequestAsync(Methods.Generate, closed)).GetProperty("error").GetProperty("code").GetInt32());
        var reversed = Params(Stories);
        reversed["range"] = JsonSerializer.SerializeToNode(new AttentionLens.Server.Protocol.Range(new Position(0, 9), new Position(0, 2)), ProtocolJsonContext.Default.Range);
        Assert.Equal(ErrorCodes.InvalidParams, (await client.RequestAsync(Methods.Generate, reversed)).GetProperty("error").GetProperty("code").GetInt32());
        var noModel = Params(Stories);
        noModel["model"] = null;
        var error = (await client.RequestAsync(Methods.Generate, noModel)).GetProperty("error");
        Assert.Equal(ErrorCodes.InvalidParams, error.GetProperty("code").GetInt32());
        Assert.Equal(ErrorCodes.ModelNotFound, (await client.RequestAsync(Methods.Generate, Params("/no/such/model"))).GetProperty("error").GetProperty("code").GetInt32());
        // The server answers afterwards.
        Assert.True((await client.RequestAsync(Methods.Generate, Params(Stories, new JsonObject { ["maxNewTokens"] = 1 }))).TryGetProperty("result", out _));
    }
}
