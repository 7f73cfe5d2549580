using System.Text.Json;
using System.Text.Json.Nodes;
using AttentionLens.Server.Protocol;

namespace AttentionLens.Tests.Server;

/// <summary>The real server loop over in-memory pipes with a fake backend: lifecycle, errors, analysis, hover, cancellation, progress.</summary>
public class ServerLoopTests : IDisposable
{
    private readonly FakeCheckpoints checkpoints = new();

    public void Dispose() => checkpoints.Dispose();

    private static int ErrorCode(JsonElement response)
    {
        Assert.True(response.TryGetProperty("error", out var error), "expected an error, got " + response);
        return error.GetProperty("code").GetInt32();
    }

    private static JsonObject AnalyzeParams(string uri, string model, int startLine, int startChar, int endLine, int endChar, JsonArray? methods = null) => new()
    {
        ["textDocument"] = new JsonObject { ["uri"] = uri },
        ["range"] = new JsonObject
        {
            ["start"] = new JsonObject { ["line"] = startLine, ["character"] = startChar },
            ["end"] = new JsonObject { ["line"] = endLine, ["character"] = endChar },
        },
        ["model"] = model,
        ["methods"] = methods,
    };

    [Fact]
    public async Task InitializeAdvertisesHoverSyncAndCustomMethods_ThenShutdownExitGivesZero()
    {
        await using var client = new InMemoryClient(new FakeBackend());
        var init = await client.InitializeAsync();
        var caps = init.GetProperty("result").GetProperty("capabilities");
        Assert.True(caps.GetProperty("hoverProvider").GetBoolean());
        Assert.Equal(2, caps.GetProperty("textDocumentSync").GetProperty("change").GetInt32());
        var methods = caps.GetProperty("experimental").GetProperty("attentionLens").GetProperty("methods").EnumerateArray().Select(m => m.GetString()).ToArray();
        Assert.Contains(Methods.Analyze, methods);
        Assert.Contains(Methods.Compare, methods);
        Assert.Equal(0, await client.ShutdownAndExitAsync());
    }

    [Fact]
    public async Task ExitWithoutShutdownGivesOne()
    {
        await using var client = new InMemoryClient(new FakeBackend());
        await client.InitializeAsync();
        await client.NotifyAsync(Methods.Exit, null);
        Assert.Equal(1, await client.ServerTask.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task RequestsAfterShutdownAreRefusedWithInvalidRequest()
    {
        await using var client = new InMemoryClient(new FakeBackend());
        await client.InitializeAsync();
        await client.RequestAsync(Methods.Shutdown, null);
        Assert.Equal(ErrorCodes.InvalidRequest, ErrorCode(await client.RequestAsync(Methods.ListModels, null)));
    }

    [Fact]
    public async Task RequestBeforeInitializeIsRefusedWithServerNotInitialized()
    {
        await using var client = new InMemoryClient(new FakeBackend());
        Assert.Equal(ErrorCodes.ServerNotInitialized, ErrorCode(await client.RequestAsync(Methods.ListModels, null)));
    }

    [Fact]
    public async Task MalformedMessagesAreAnsweredPerJsonRpcAndTheServerKeepsServing()
    {
        await using var client = new InMemoryClient(new FakeBackend());
        await client.InitializeAsync();

        // Invalid JSON → -32700 with a null id (the id cannot be read).
        await client.WriteRawAsync(InMemoryClient.Frame("{\"jsonrpc\":\"2.0\",\"id\":7,"));
        Assert.Equal(ErrorCodes.MethodNotFound, ErrorCode(await client.RequestAsync("attentionLens/noSuchMethod", null)));
        // A method of the wrong type, or no jsonrpc member: -32600 echoing the readable id.
        var wrongMethod = client.Expect(8);
        await client.WriteRawAsync(InMemoryClient.Frame("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":42}"));
        Assert.Equal(ErrorCodes.InvalidRequest, ErrorCode(await wrongMethod));
        var noVersion = client.Expect(9);
        await client.WriteRawAsync(InMemoryClient.Frame("{\"id\":9,\"method\":\"attentionLens/listModels\"}"));
        Assert.Equal(ErrorCodes.InvalidRequest, ErrorCode(await noVersion));
        // A batch → -32600; params of the wrong shape → -32602.
        await client.WriteRawAsync(InMemoryClient.Frame("[{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"shutdown\"}]"));
        Assert.Equal(ErrorCodes.InvalidParams, ErrorCode(await client.RequestAsync(Methods.Analyze, new JsonObject { ["model"] = 5 })));

        // Answers to different messages may be written in any order: wait for both orphans, then
        // compare as a set of codes.
        var orphans = (await client.OrphansAsync(2, TimeSpan.FromSeconds(10))).Select(o => o.GetProperty("error").GetProperty("code").GetInt32()).Order().ToArray();
        Assert.Equal(new[] { ErrorCodes.ParseError, ErrorCodes.InvalidRequest }.Order(), orphans);
        Assert.Equal(0, await client.ShutdownAndExitAsync());
    }

    [Theory]
    [InlineData("Content-Length: twelve\r\n\r\n{}")]
    [InlineData("Content-Length: 99999999999\r\n\r\n{}")]
    [InlineData("no header at all\r\n\r\n")]
    public async Task AFrameWhoseHeaderCannotBeReadEndsTheConnectionWithExitCodeTwo(string garbage)
    {
        // StreamJsonRpc cannot resynchronise after a bad header: the connection ends, and the
        // server must stop promptly with code 2 (never hang) so the client restarts it.
        await using var client = new InMemoryClient(new FakeBackend());
        await client.InitializeAsync();
        await client.WriteRawAsync(garbage);
        Assert.Equal(2, await client.ServerTask.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task MissingPathAndNonModelFolderGetOurCodesWithThePath()
    {
        await using var client = new InMemoryClient(new FakeBackend());
        await client.InitializeAsync();
        await client.OpenAsync("file:///a.txt", "one two");
        var missing = Path.Combine(checkpoints.Root, "does-not-exist");
        var r1 = await client.RequestAsync(Methods.Analyze, AnalyzeParams("file:///a.txt", missing, 0, 0, 0, 7));
        Assert.Equal(ErrorCodes.ModelNotFound, ErrorCode(r1));
        Assert.Equal(missing, r1.GetProperty("error").GetProperty("data").GetProperty("path").GetString());
        Assert.Contains("config.json", r1.GetProperty("error").GetProperty("data").GetProperty("expected").GetString());

        var r2 = await client.RequestAsync(Methods.Analyze, AnalyzeParams("file:///a.txt", checkpoints.Root, 0, 0, 0, 7));
        Assert.Equal(ErrorCodes.NotAModel, ErrorCode(r2));
        Assert.Contains(checkpoints.Root, r2.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task AnalyzeMapsTokenRangesIntoTheDocumentAndHoverShowsTheScore()
    {
        var model = checkpoints.Add("m");
        await using var client = new InMemoryClient(new FakeBackend());
        await client.InitializeAsync();
        // Line 1 holds a surrogate pair (2 UTF-16 units) so characters are not code points.
        await client.OpenAsync("file:///d.txt", "first line\r\nxx 😀ab cd\nlast");
        var response = await client.RequestAsync(Methods.Analyze, AnalyzeParams("file:///d.txt", model, 1, 3, 2, 4, ["influence"]));
        var result = response.GetProperty("result");
        var tokens = result.GetProperty("tokens").EnumerateArray().ToArray();
        Assert.Equal(["<s>", "😀ab", "cd", "last"], tokens.Select(t => t.GetProperty("text").GetString()));
        static (int, int, int, int) R(JsonElement t)
        {
            var r = t.GetProperty("range");
            return (r.GetProperty("start").GetProperty("line").GetInt32(), r.GetProperty("start").GetProperty("character").GetInt32(),
                r.GetProperty("end").GetProperty("line").GetInt32(), r.GetProperty("end").GetProperty("character").GetInt32());
        }
        Assert.Equal((1, 3, 1, 7), R(tokens[1]));
        Assert.Equal((1, 8, 1, 10), R(tokens[2]));
        Assert.Equal((2, 0, 2, 4), R(tokens[3]));
        Assert.True(tokens[0].GetProperty("special").GetBoolean());
        var rollout = result.GetProperty("rollout");
        Assert.Equal(16, rollout.GetProperty("data").GetArrayLength());

        var hover = await client.RequestAsync(Methods.Hover, new JsonObject
        {
            ["textDocument"] = new JsonObject { ["uri"] = "file:///d.txt" },
            ["position"] = new JsonObject { ["line"] = 1, ["character"] = 9 },
        });
        var markdown = hover.GetProperty("result").GetProperty("contents").GetProperty("value").GetString()!;
        // Fake influence of token j is j + 1: token 2 ("cd") scores 3, rank 2 of 4; its one edge is head 2 mod 2 = 0 of layer 2.
        Assert.Contains("`cd`", markdown);
        Assert.Contains("influence score", markdown);
        Assert.Contains("**3**, rank 2 of 4", markdown);
        Assert.Contains("L2·H0 (100%)", markdown);

        // After an edit the old analysis no longer answers hover.
        await client.NotifyAsync(Methods.DidChange, new JsonObject
        {
            ["textDocument"] = new JsonObject { ["uri"] = "file:///d.txt", ["version"] = 2 },
            ["contentChanges"] = new JsonArray(new JsonObject
            {
                ["range"] = new JsonObject
                {
                    ["start"] = new JsonObject { ["line"] = 0, ["character"] = 0 },
                    ["end"] = new JsonObject { ["line"] = 0, ["character"] = 5 },
                },
                ["text"] = "1st",
            }),
        });
        var stale = await client.RequestAsync(Methods.Hover, new JsonObject
        {
            ["textDocument"] = new JsonObject { ["uri"] = "file:///d.txt" },
            ["position"] = new JsonObject { ["line"] = 1, ["character"] = 9 },
        });
        Assert.Equal(JsonValueKind.Null, stale.GetProperty("result").ValueKind);
    }

    [Fact]
    public async Task TooManyTokensIsRefusedWithTheCountAndTheLimit()
    {
        var model = checkpoints.Add("m");
        await using var client = new InMemoryClient(new FakeBackend(), new ServerSettings { MaxTokens = 3 });
        await client.InitializeAsync();
        await client.OpenAsync("file:///t.txt", "a b c d e");
        var r = await client.RequestAsync(Methods.Analyze, AnalyzeParams("file:///t.txt", model, 0, 0, 0, 9));
        Assert.Equal(ErrorCodes.TooManyTokens, ErrorCode(r));
        Assert.Equal(6, r.GetProperty("error").GetProperty("data").GetProperty("tokens").GetInt32());
        Assert.Equal(3, r.GetProperty("error").GetProperty("data").GetProperty("limit").GetInt32());
    }

    [Fact]
    public async Task CancelRequestStopsARunningAnalysisWithRequestCancelled_AndTheServerGoesOn()
    {
        var model = checkpoints.Add("m");
        var backend = new FakeBackend { LayerGate = new SemaphoreSlim(0) };
        await using var client = new InMemoryClient(backend);
        await client.InitializeAsync(workDoneProgress: true);
        await client.OpenAsync("file:///c.txt", "a b c");
        var running = client.RequestAsync(Methods.Analyze, AnalyzeParams("file:///c.txt", model, 0, 0, 0, 5), id: 42);
        // Wait until the analysis is inside the backend, then cancel it.
        for (var i = 0; i < 200 && backend.Loads == 0; i++) await Task.Delay(10);
        await Task.Delay(50);
        await client.NotifyAsync(Methods.CancelRequest, new JsonObject { ["id"] = 42 });
        Assert.Equal(ErrorCodes.RequestCancelled, ErrorCode(await running));

        backend.LayerGate = null;
        var ok = await client.RequestAsync(Methods.Analyze, AnalyzeParams("file:///c.txt", model, 0, 0, 0, 5));
        Assert.True(ok.TryGetProperty("result", out _), ok.ToString());
        var kinds = client.Notifications.Where(n => n.Method == Methods.Progress)
            .Select(n => n.Params.GetProperty("value").GetProperty("kind").GetString()).ToArray();
        Assert.Contains("begin", kinds);
        Assert.Contains("report", kinds);
        Assert.Equal(2, kinds.Count(k => k == "end"));
        Assert.Equal(0, await client.ShutdownAndExitAsync());
    }

    [Fact]
    public async Task ModelLoadsAndEvictionsReachTheClientAsLogMessages()
    {
        var a = checkpoints.Add("a");
        var b = checkpoints.Add("b");
        // Each fake model is 1 MiB: with a 1 MiB budget the second load evicts the first.
        await using var client = new InMemoryClient(new FakeBackend(), new ServerSettings { MemoryBudgetMb = 1 });
        await client.InitializeAsync();
        await client.OpenAsync("file:///l.txt", "p q");
        Assert.True((await client.RequestAsync(Methods.Analyze, AnalyzeParams("file:///l.txt", a, 0, 0, 0, 3))).TryGetProperty("result", out _));
        Assert.True((await client.RequestAsync(Methods.Analyze, AnalyzeParams("file:///l.txt", b, 0, 0, 0, 3))).TryGetProperty("result", out _));
        await client.RequestAsync(Methods.ServerStats, null); // the log notifications precede this answer
        var logs = client.Notifications.Where(n => n.Method == Methods.LogMessage).Select(n => n.Params.GetProperty("message").GetString()!).ToArray();
        Assert.Contains(logs, m => m.StartsWith("loaded " + a, StringComparison.Ordinal));
        Assert.Contains(logs, m => m.StartsWith("loaded " + b, StringComparison.Ordinal));
        Assert.Contains(logs, m => m.StartsWith("evicted " + a, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ListModelsReadsSettingsFoldersWithoutLoading()
    {
        checkpoints.Add("alpha");
        checkpoints.Add("beta");
        var backend = new FakeBackend();
        await using var client = new InMemoryClient(backend, new ServerSettings { ModelPaths = [checkpoints.Root], UseHuggingFaceCache = false });
        await client.InitializeAsync();
        var models = (await client.RequestAsync(Methods.ListModels, null)).GetProperty("result").GetProperty("models").EnumerateArray().ToArray();
        Assert.Equal(["alpha", "beta"], models.Select(m => m.GetProperty("id").GetString()));
        Assert.All(models, m =>
        {
            Assert.Equal("settings", m.GetProperty("source").GetString());
            Assert.Equal(6, m.GetProperty("parameterCount").GetInt64());
            Assert.Equal("LlamaForCausalLM", m.GetProperty("architecture").GetString());
            Assert.False(m.GetProperty("loaded").GetBoolean());
        });
        Assert.Equal(0, backend.Loads);
    }

    [Fact]
    public async Task AttentionReturnsPerHeadMatricesOfAKeptAnalysis_AndCompareDiffsTwoModels()
    {
        var a = checkpoints.Add("a");
        var b = checkpoints.Add("b");
        await using var client = new InMemoryClient(new FakeBackend(layers: 3, heads: 2));
        await client.InitializeAsync();
        await client.OpenAsync("file:///x.txt", "p q r");
        var analysis = (await client.RequestAsync(Methods.Analyze, AnalyzeParams("file:///x.txt", a, 0, 0, 0, 5))).GetProperty("result");
        var id = analysis.GetProperty("analysisId").GetString();
        var all = (await client.RequestAsync(Methods.Attention, new JsonObject { ["analysisId"] = id })).GetProperty("result");
        Assert.Equal(6, all.GetProperty("matrices").GetArrayLength());
        var one = (await client.RequestAsync(Methods.Attention, new JsonObject { ["analysisId"] = id, ["layer"] = 3, ["head"] = 1 })).GetProperty("result");
        var m = one.GetProperty("matrices")[0];
        Assert.Equal((3, 1, 4), (m.GetProperty("layer").GetInt32(), m.GetProperty("head").GetInt32(), m.GetProperty("rows").GetInt32()));
        Assert.Equal(ErrorCodes.InvalidParams, ErrorCode(await client.RequestAsync(Methods.Attention, new JsonObject { ["analysisId"] = id, ["layer"] = 0 })));
        Assert.Equal(ErrorCodes.AnalysisNotFound, ErrorCode(await client.RequestAsync(Methods.Attention, new JsonObject { ["analysisId"] = "nope" })));

        var compare = await client.RequestAsync(Methods.Compare, new JsonObject
        {
            ["textDocument"] = new JsonObject { ["uri"] = "file:///x.txt" },
            ["range"] = new JsonObject
            {
                ["start"] = new JsonObject { ["line"] = 0, ["character"] = 0 },
                ["end"] = new JsonObject { ["line"] = 0, ["character"] = 5 },
            },
            ["modelA"] = a,
            ["modelB"] = b,
        });
        var diff = compare.GetProperty("result").GetProperty("difference");
        Assert.True(diff.GetProperty("sameTokenization").GetBoolean());
        Assert.Equal(4, diff.GetProperty("sharedEdges").GetArrayLength());
        Assert.Equal(0, diff.GetProperty("onlyA").GetArrayLength());
        Assert.Equal(4, diff.GetProperty("units").GetArrayLength());
        Assert.All(diff.GetProperty("scores").GetProperty("influence").GetProperty("difference").EnumerateArray(), v => Assert.Equal(0, v.GetDouble()));
    }
}
