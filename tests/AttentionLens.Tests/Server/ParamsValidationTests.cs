using System.Text.Json;
using System.Text.Json.Nodes;
using AttentionLens.Server.Protocol;
using AttentionLens.Server.Services;

namespace AttentionLens.Tests.Server;

/// <summary>
/// Every class of malformed input a client can send reaches it as a clear error — never -32603,
/// never a silently different document: positions, ranges, list members, settings, text with
/// invalid UTF-16. Runs the real server loop over in-memory pipes with the fake backend.
/// </summary>
public class ParamsValidationTests : IDisposable
{
    private readonly FakeCheckpoints checkpoints = new();

    public void Dispose() => checkpoints.Dispose();

    private static JsonObject At(int line, int character) => new() { ["line"] = line, ["character"] = character };

    private static JsonObject Analyze(string uri, string model, JsonObject start, JsonObject end, JsonNode? methods = null, JsonObject? options = null) => new()
    {
        ["textDocument"] = new JsonObject { ["uri"] = uri },
        ["range"] = new JsonObject { ["start"] = start, ["end"] = end },
        ["model"] = model,
        ["methods"] = methods,
        ["options"] = options,
    };

    private static (int Code, string Message) Error(JsonElement response)
    {
        Assert.True(response.TryGetProperty("error", out var e), "expected an error, got " + response);
        return (e.GetProperty("code").GetInt32(), e.GetProperty("message").GetString()!);
    }

    [Fact]
    public async Task EveryMalformedParameterClassIsInvalidParamsNamingTheParameter_NeverInternalError()
    {
        var model = checkpoints.Add("m");
        await using var client = new InMemoryClient(new FakeBackend());
        await client.InitializeAsync();
        await client.OpenAsync("file:///v.txt", "one two\nthree");
        var cases = new (string Method, JsonNode? Params, string Names)[]
        {
            (Methods.Analyze, Analyze("file:///v.txt", model, At(-1, 0), At(0, 3)), "range.start"),
            (Methods.Analyze, Analyze("file:///v.txt", model, At(0, 0), At(0, -3)), "range.end"),
            (Methods.Analyze, Analyze("file:///v.txt", model, At(0, 0), At(5, 0)), "range.end.line"),
            (Methods.Analyze, Analyze("file:///v.txt", model, At(1, 2), At(0, 1)), "range ends"),
            (Methods.Analyze, Analyze("file:///v.txt", model, At(0, 0), At(0, 3), new JsonArray((JsonNode?)null)), "methods[0]"),
            (Methods.Analyze, Analyze("file:///v.txt", model, At(0, 0), At(0, 3), new JsonArray("astrology")), "astrology"),
            (Methods.Analyze, Analyze("file:///v.txt", model, At(0, 0), At(0, 3), options: new JsonObject { ["heads"] = new JsonArray(-2) }), "options.heads[0]"),
            (Methods.Analyze, Analyze("file:///v.txt", model, At(0, 0), At(0, 3), options: new JsonObject { ["tau"] = 7 }), "tau"),
            (Methods.Analyze, new JsonObject { ["textDocument"] = new JsonObject { ["uri"] = null }, ["range"] = new JsonObject { ["start"] = At(0, 0), ["end"] = At(0, 1) }, ["model"] = model }, "uri"),
            (Methods.Analyze, new JsonObject { ["textDocument"] = new JsonObject { ["uri"] = "file:///v.txt" }, ["range"] = null, ["model"] = model }, "range"),
            (Methods.Analyze, new JsonArray(1), "params must be an object"),
            // Positional params of another length: StreamJsonRpc's own -32602, naming the method.
            (Methods.Analyze, new JsonArray(1, 2), "attentionLens/analyze"),
            (Methods.Analyze, null, "needs params"),
            (Methods.Hover, new JsonObject { ["textDocument"] = new JsonObject { ["uri"] = "file:///v.txt" }, ["position"] = At(0, -1) }, "position"),
            (Methods.Hover, new JsonObject { ["textDocument"] = new JsonObject { ["uri"] = "file:///v.txt" } }, "position"),
            (Methods.Attention, new JsonObject { ["analysisId"] = null }, "analysisId"),
            (Methods.Compare, new JsonObject { ["textDocument"] = new JsonObject { ["uri"] = "file:///v.txt" }, ["range"] = new JsonObject { ["start"] = At(0, 0), ["end"] = At(0, 3) }, ["modelA"] = model }, "modelB"),
        };
        var failures = new List<string>();
        foreach (var (method, parameters, names) in cases)
        {
            var (code, message) = Error(await client.RequestAsync(method, parameters));
            if (code != ErrorCodes.InvalidParams || !message.Contains(names, StringComparison.Ordinal))
                failures.Add($"{method} {parameters?.ToJsonString()}: {code} '{message}' (expected -32602 naming '{names}')");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task SettingsAreValidatedWhenSet_OnTheRequestThatSetsThem_AndTheOldOnesStay()
    {
        await using (var refused = new InMemoryClient(new FakeBackend()))
        {
            var (code, message) = Error(await refused.InitializeAsync(options: new JsonObject { ["memoryBudgetMb"] = 0 }));
            Assert.Equal(ErrorCodes.InvalidParams, code);
            Assert.Contains("initializationOptions.memoryBudgetMb 0", message);
        }

        await using var client = new InMemoryClient(new FakeBackend());
        await client.InitializeAsync(options: new JsonObject { ["memoryBudgetMb"] = 300 });
        foreach (var bad in new JsonObject[] { new() { ["maxTokens"] = 0 }, new() { ["memoryBudgetMb"] = -1 }, new() { ["maxConcurrentAnalyses"] = 0 }, new() { ["hoverMethod"] = "vibes" } })
            await client.NotifyAsync(Methods.DidChangeConfiguration, new JsonObject { ["settings"] = new JsonObject { ["attentionLens"] = bad } });
        var stats = (await client.RequestAsync(Methods.ServerStats, null)).GetProperty("result");
        Assert.Equal(300L * 1024 * 1024, stats.GetProperty("budgetBytes").GetInt64());
        var shown = client.Notifications.Where(n => n.Method == Methods.ShowMessage).Select(n => n.Params.GetProperty("message").GetString()!).ToArray();
        Assert.Equal(4, shown.Length);
        Assert.Contains("maxTokens 0", shown[0]);
        Assert.Contains("memoryBudgetMb -1", shown[1]);
        Assert.Contains("maxConcurrentAnalyses 0", shown[2]);
        Assert.Contains("hoverMethod 'vibes'", shown[3]);
    }

    [Fact]
    public void SettingsStateRefusesInvalidValuesAndKeepsThePreviousOnes()
    {
        var state = new SettingsState(new ServerSettings { MemoryBudgetMb = 64 });
        Assert.Throws<InvalidParamsException>(() => state.Replace(new ServerSettings { MemoryBudgetMb = 0 }));
        Assert.Throws<InvalidParamsException>(() => state.Replace(new ServerSettings { MaxTokens = -5 }));
        Assert.Throws<InvalidParamsException>(() => state.Replace(new ServerSettings { ModelPaths = ["/ok", "bad\0path"] }));
        Assert.Equal(64L * 1024 * 1024, state.BudgetBytes);
        Assert.Throws<InvalidParamsException>(() => new SettingsState(new ServerSettings { MemoryBudgetMb = -1 }));
    }

    [Fact]
    public async Task TextWithALoneSurrogateIsKeptExactly_AndAnalysedRangesSnapToWholeCharacters()
    {
        var model = checkpoints.Add("m");
        await using var client = new InMemoryClient(new FakeBackend());
        await client.InitializeAsync();
        // Written as JavaScript's JSON.stringify writes a lone surrogate: an escape.
        await client.WriteRawAsync(InMemoryClient.Frame("{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"textDocument\":" +
            "{\"uri\":\"file:///s.txt\",\"languageId\":\"plaintext\",\"version\":1,\"text\":\"ab \\ud800 cd \\ud83d\\ude00x ef\"}}}"));
        // "ab \uD800 cd 😀x ef": the pair is at 8..10. A range 9..13 starts inside it.
        var r = await client.RequestAsync(Methods.Analyze, Analyze("file:///s.txt", model, At(0, 9), At(0, 13)));
        var tokens = r.GetProperty("result").GetProperty("tokens").EnumerateArray().Where(t => !t.GetProperty("special").GetBoolean()).ToArray();
        Assert.Equal("😀x", tokens[0].GetProperty("text").GetString());
        Assert.Equal(8, tokens[0].GetProperty("range").GetProperty("start").GetProperty("character").GetInt32());
        // The lone surrogate was kept: positions after it are where the editor has them.
        var after = await client.RequestAsync(Methods.Analyze, Analyze("file:///s.txt", model, At(0, 5), At(0, 7)));
        Assert.Equal("cd", after.GetProperty("result").GetProperty("tokens")[1].GetProperty("text").GetString());
        // The lone surrogate itself can be analysed: its token's range is exact; its display text
        // is U+FFFD (a JSON writer cannot emit half a pair as UTF-8).
        var lone = await client.RequestAsync(Methods.Analyze, Analyze("file:///s.txt", model, At(0, 3), At(0, 4)));
        Assert.True(lone.TryGetProperty("result", out var loneResult), lone.ToString());
        var loneToken = loneResult.GetProperty("tokens")[1];
        Assert.Equal("\ufffd", loneToken.GetProperty("text").GetString());
        Assert.Equal((3, 4), (loneToken.GetProperty("range").GetProperty("start").GetProperty("character").GetInt32(), loneToken.GetProperty("range").GetProperty("end").GetProperty("character").GetInt32()));
        Assert.DoesNotContain(client.Notifications, n => n.Method == Methods.ShowMessage);
    }

    [Fact]
    public async Task AChangeOutsideTheDocumentDropsTheServersCopyAndTellsTheUser()
    {
        var model = checkpoints.Add("m");
        await using var client = new InMemoryClient(new FakeBackend());
        await client.InitializeAsync();
        await client.OpenAsync("file:///c.txt", "one two");
        await client.NotifyAsync(Methods.DidChange, new JsonObject
        {
            ["textDocument"] = new JsonObject { ["uri"] = "file:///c.txt", ["version"] = 2 },
            ["contentChanges"] = new JsonArray(new JsonObject { ["range"] = new JsonObject { ["start"] = At(4, 0), ["end"] = At(4, 1) }, ["text"] = "x" }),
        });
        var (code, _) = Error(await client.RequestAsync(Methods.Analyze, Analyze("file:///c.txt", model, At(0, 0), At(0, 3))));
        Assert.Equal(ErrorCodes.DocumentNotOpen, code);
        var shown = Assert.Single(client.Notifications, n => n.Method == Methods.ShowMessage);
        Assert.Contains("contentChanges[0].range", shown.Params.GetProperty("message").GetString());
    }

    [Fact]
    public async Task ARequestIdAlreadyInFlightIsInvalidRequest_AndTheFirstStillCancels()
    {
        var model = checkpoints.Add("m");
        var backend = new FakeBackend { LayerGate = new SemaphoreSlim(0) };
        await using var client = new InMemoryClient(backend);
        await client.InitializeAsync();
        await client.OpenAsync("file:///d.txt", "a b");
        var first = client.RequestAsync(Methods.Analyze, Analyze("file:///d.txt", model, At(0, 0), At(0, 3)), id: 77);
        for (var i = 0; i < 200 && backend.Loads == 0; i++) await Task.Delay(10);
        // The duplicate is answered first (both answers carry id 77).
        await client.SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 77, ["method"] = Methods.ServerStats });
        var (code, message) = Error(await first);
        Assert.Equal(ErrorCodes.InvalidRequest, code);
        Assert.Contains("77", message);
        client.Forget(77);
        var original = client.Expect(77);
        await client.NotifyAsync(Methods.CancelRequest, new JsonObject { ["id"] = 77 });
        Assert.Equal(ErrorCodes.RequestCancelled, Error(await original).Code);
    }

    [Fact]
    public void RangesSnapToCodePointBoundaries()
    {
        var doc = new TextDocument("a😀b", 1);
        var inside = new AttentionLens.Server.Protocol.Range(new Position(0, 2), new Position(0, 2));
        Assert.Equal(new AttentionLens.Server.Protocol.Range(new Position(0, 1), new Position(0, 3)), doc.SnapToCodePoints(inside));
        var whole = new AttentionLens.Server.Protocol.Range(new Position(0, 0), new Position(0, 4));
        Assert.Same(whole, doc.SnapToCodePoints(whole));
        Assert.Throws<InvalidParamsException>(() => doc.Validate(new Position(1, 0), "p"));
        Assert.Throws<InvalidParamsException>(() => doc.Validate(new Position(0, -1), "p"));
        doc.Validate(new Position(0, 99), "p"); // past the line's end clamps, as LSP says
    }
}
