using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AttentionLens.Server.Protocol;
using AttentionLens.Tests.Fuzz;
using FsCheck;
using FsCheck.Fluent;

namespace AttentionLens.Tests.Server;

/// <summary>
/// Property over every protocol parameter (issue 14): random <c>attentionLens/analyze</c>,
/// <c>attentionLens/compare</c>, <c>textDocument/hover</c>, <c>attentionLens/attention</c>,
/// <c>attentionLens/generate</c> params and
/// <c>workspace/didChangeConfiguration</c> settings — each field a plausible value, a boundary value,
/// a value of the wrong type, random JSON or absent — go through the real server loop (in-memory
/// pipes, fake backend). Every request must be answered within 10 s with a result or a specific
/// error code (never -32603 Internal error), and after every message the server must still answer.
/// Draws are seeded (<see cref="FuzzSeeds"/>): the same cases on every run.
/// </summary>
public class ProtocolParamsPropertyTests : IDisposable
{
    private const int AnalyzeCases = 500, CompareCases = 100, HoverCases = 200, AttentionCases = 100, GenerateCases = 150, SettingsCases = 150;

    /// <summary>The codes a user-caused fault may carry: the JSON-RPC/LSP ones for the request's
    /// shape, and the server's own (docs/protocol.md). -32603 and -32700 are not among them.</summary>
    private static readonly HashSet<int> SpecificCodes =
    [
        ErrorCodes.InvalidRequest, ErrorCodes.InvalidParams, ErrorCodes.RequestCancelled,
        ErrorCodes.ModelNotFound, ErrorCodes.NotAModel, ErrorCodes.TooManyTokens, ErrorCodes.AnalysisNotFound,
        ErrorCodes.DocumentNotOpen, ErrorCodes.MemoryBudgetExceeded, ErrorCodes.InvalidInput, ErrorCodes.NotAvailable,
    ];

    private readonly FakeCheckpoints checkpoints = new();

    public void Dispose() => checkpoints.Dispose();

    private static readonly string[] Boundaries =
    [
        "0", "-1", "1", "3", "2147483647", "-2147483648", "2147483648", "9223372036854775807", "1e308", "-1e308", "0.5",
        "\"\"", "\"\\u0000\"", "null", "true", "false", "[]", "{}", "[null]",
    ];

    private static Gen<JsonNode?> Json(string text) => Gen.Constant(0).Select(_ => JsonNode.Parse(text));

    /// <summary>A field's value: mostly plausible (so that many cases reach the analysis, not only the
    /// validation in front of it), otherwise a boundary value, random JSON or absent (<c>Missing</c>).</summary>
    private static Gen<JsonNode?> Field(Gen<JsonNode?> plausible) => Gen.Frequency(
        (40, plausible),
        (2, Gen.Elements(Boundaries).SelectMany(Json)),
        (1, JsonMutation.Value.SelectMany(Json)),
        (1, Gen.Constant<JsonNode?>(Missing)));

    /// <summary>An optional member: mostly absent, otherwise drawn as <see cref="Field"/>.</summary>
    private static Gen<JsonNode?> Optional(Gen<JsonNode?> plausible) => Gen.Frequency((3, Gen.Constant<JsonNode?>(Missing)), (1, Field(plausible)));

    /// <summary>Marks a member to leave out of its object (distinct from an explicit null).</summary>
    private static readonly JsonNode Missing = JsonValue.Create("<missing>")!;

    private static JsonObject Object(params (string Name, JsonNode? Value)[] members)
    {
        var o = new JsonObject();
        foreach (var (name, value) in members)
            if (!ReferenceEquals(value, Missing)) o[name] = value?.DeepClone();
        return o;
    }

    private static Gen<JsonNode?> Int(int lo, int hi) => Gen.Choose(lo, hi).Select(i => (JsonNode?)i);

    private static Gen<JsonNode?> Position { get; } =
        from line in Field(Int(0, 2))
        from character in Field(Int(0, 14))
        select (JsonNode?)Object(("line", line), ("character", character));

    /// <summary>Ordered ranges mostly; otherwise two independently drawn (possibly broken) positions.</summary>
    private static Gen<JsonNode?> RangeGen { get; } = Gen.Frequency(
        (3, from a in Gen.Choose(0, 2) from b in Gen.Choose(0, 12) from c in Gen.Choose(0, 2) from d in Gen.Choose(0, 12)
            let start = (a, b).CompareTo((c, d)) <= 0 ? (a, b) : (c, d)
            let end = (a, b).CompareTo((c, d)) <= 0 ? (c, d) : (a, b)
            select (JsonNode?)Object(("start", Object(("line", start.Item1), ("character", start.Item2))), ("end", Object(("line", end.Item1), ("character", end.Item2))))),
        (1, from start in Field(Position)
            from end in Field(Position)
            select (JsonNode?)Object(("start", start), ("end", end))));

    private static Gen<JsonNode?> Uri { get; } =
        Gen.Frequency((8, Gen.Elements("file:///p.txt", "file:///s.txt")), (1, Gen.Elements("file:///closed.txt", "", "not a uri"))).Select(u => (JsonNode?)u);

    private static Gen<JsonNode?> TextDocument { get; } = Field(Uri).Select(u => (JsonNode?)Object(("uri", u)));

    private static Gen<JsonNode?> MethodsGen { get; } =
        Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(Gen.Frequency(
            (8, Gen.Elements<JsonNode?>("rollout", "flow", "influence", "valueNorms", "attention")),
            (1, Gen.Elements<JsonNode?>("astrology", null, 5, ""))), n))
            .Select(items => (JsonNode?)new JsonArray(items.Select(i => i?.DeepClone()).ToArray()));

    private static Gen<JsonNode?> Options { get; } =
        from heads in Optional(Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(Gen.Choose(-2, 6), n)).Select(h => (JsonNode?)new JsonArray(h.Select(x => (JsonNode?)x).ToArray())))
        from reduction in Optional(Gen.Elements<JsonNode?>("mean", "max", "min", "sum", "vibes"))
        from tau in Optional(Gen.Elements<JsonNode?>(0.0, 0.1, 0.5, 1.0, -0.5, 7.0))
        from alpha in Optional(Gen.Elements<JsonNode?>(0.0, 0.5, 1.0, -1.0, 2.0))
        from maxTokens in Optional(Int(-5, 100))
        from residual in Optional(Gen.Elements<JsonNode?>(true, false))
        select (JsonNode?)Object(("heads", heads), ("headReduction", reduction), ("tau", tau), ("alpha", alpha), ("maxTokens", maxTokens), ("residual", residual));

    private static Gen<JsonNode?> Target { get; } = Gen.Elements<JsonNode?>(0, 1, -1, 99, "first", "last", "middle");

    private static Gen<JsonNode?> AnalyzeGen(Func<string> model) =>
        from doc in Field(TextDocument)
        from range in Field(RangeGen)
        from m in Field(Gen.Frequency((6, Gen.Constant<JsonNode?>("fake")), (1, Gen.Elements<JsonNode?>("missing", "root", "random:gpt2?seed=1", "", "rel/ative"))))
        from methods in Optional(MethodsGen)
        from options in Optional(Options)
        from target in Optional(Target)
        from targetPosition in Optional(Position)
        from contextRange in Optional(RangeGen)
        from label in Optional(Gen.Elements<JsonNode?>("1", "0", "the", "99999", ""))
        select (JsonNode?)Object(("textDocument", doc), ("range", range), ("model", ModelName(m, model)), ("methods", methods), ("options", options),
            ("target", target), ("targetPosition", targetPosition), ("contextRange", contextRange), ("label", label));

    /// <summary>"fake" and friends become real paths at run time (the checkpoint folder is per test).</summary>
    private static JsonNode? ModelName(JsonNode? drawn, Func<string> model) =>
        drawn is JsonValue v && v.TryGetValue<string>(out var s) ? s switch
        {
            "fake" => model(),
            "missing" => model() + "-missing",
            "root" => Path.GetDirectoryName(model()),
            _ => s,
        } : drawn;

    private static Gen<JsonNode?> Settings { get; } =
        from budget in Field(Int(-2, 4096))
        from maxTokens in Field(Int(-2, 600))
        from concurrent in Field(Int(-1, 8))
        from hover in Field(Gen.Elements<JsonNode?>("rollout", "flow", "influence", "valueNorms", "vibes"))
        from paths in Field(Gen.Elements<JsonNode?>(new JsonArray("/tmp"), new JsonArray("bad\u0000path"), new JsonArray((JsonNode?)null), new JsonArray()))
        from cache in Field(Gen.Elements<JsonNode?>(true, false))
        select (JsonNode?)Object(("memoryBudgetMb", budget), ("maxTokens", maxTokens), ("maxConcurrentAnalyses", concurrent),
            ("hoverMethod", hover), ("modelPaths", paths), ("useHuggingFaceCache", cache));

    [Fact]
    public async Task EveryRandomParameterIsAnsweredWithAResultOrASpecificError_AndTheServerKeepsServing()
    {
        var model = checkpoints.Add("m");
        var clock = Stopwatch.StartNew();
        await using var client = new InMemoryClient(new FakeBackend());
        await client.InitializeAsync();
        await client.OpenAsync("file:///p.txt", "one two three\nfour five\r\nsix");
        await client.OpenAsync("file:///s.txt", "ab \ud83d\ude00 cd\nef");

        var requests = new List<(string Method, JsonNode? Params)>();
        requests.AddRange(FuzzSeeds.Draw(AnalyzeGen(() => model), AnalyzeCases, 140).Select(p => (Methods.Analyze, p)));
        requests.AddRange(FuzzSeeds.Draw(
            from doc in Field(TextDocument) from range in Field(RangeGen) from methods in Field(MethodsGen) from options in Field(Options) from target in Field(Target)
            select (JsonNode?)Object(("textDocument", doc), ("range", range), ("modelA", model), ("modelB", model), ("methods", methods), ("options", options), ("target", target)),
            CompareCases, 141).Select(p => (Methods.Compare, p)));
        requests.AddRange(FuzzSeeds.Draw(
            from doc in Field(TextDocument) from position in Field(Position) select (JsonNode?)Object(("textDocument", doc), ("position", position)),
            HoverCases, 142).Select(p => (Methods.Hover, p)));
        requests.AddRange(FuzzSeeds.Draw(
            from id in Field(Gen.Elements<JsonNode?>("a1", "", "0", "no-such-analysis")) from layer in Field(Int(-2, 4)) from head in Field(Int(-2, 4))
            select (JsonNode?)Object(("analysisId", id), ("layer", layer), ("head", head)),
            AttentionCases, 143).Select(p => (Methods.Attention, p)));
        requests.AddRange(FuzzSeeds.Draw(
            from doc in Field(TextDocument) from range in Field(RangeGen)
            from m in Field(Gen.Frequency((6, Gen.Constant<JsonNode?>("fake")), (1, Gen.Elements<JsonNode?>("missing", "root", ""))))
            from maxNew in Optional(Gen.Elements<JsonNode?>(1, 3, 8, 0, -1, 4096, 4097))
            from temperature in Optional(Gen.Elements<JsonNode?>(0.0, 0.7, 1.0, 100.0, 100.5, -0.1, double.MaxValue))
            from topP in Optional(Gen.Elements<JsonNode?>(1.0, 0.9, 0.0, -0.5, 1.5))
            from seed in Optional(Gen.Elements<JsonNode?>(0, 42, -1, 9007199254740991L))
            select (JsonNode?)Object(("textDocument", doc), ("range", range), ("model", ModelName(m, () => model)), ("maxNewTokens", maxNew),
                ("temperature", temperature), ("topP", topP), ("seed", seed)),
            GenerateCases, 145).Select(p => (Methods.Generate, p)));
        var settings = FuzzSeeds.Draw(Settings, SettingsCases, 144);

        var failures = new List<string>();
        var answered = new Dictionary<string, int>();
        // Interleave: a settings change every few requests, so analyses run under drawn settings too.
        for (int i = 0, s = 0; i < requests.Count; i++)
        {
            if (s < settings.Length && i % (requests.Count / settings.Length) == 0)
            {
                var section = settings[s++];
                await client.NotifyAsync(Methods.DidChangeConfiguration, new JsonObject { ["settings"] = new JsonObject { ["attentionLens"] = section } });
                var stats = await client.RequestAsync(Methods.ServerStats, null).WaitAsync(TimeSpan.FromSeconds(10));
                if (!stats.TryGetProperty("result", out _)) failures.Add($"serverStats after settings {section?.ToJsonString()}: {stats}");
            }
            var (method, parameters) = requests[i];
            JsonElement response;
            try
            {
                response = await client.RequestAsync(method, parameters?.DeepClone()).WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (TimeoutException)
            {
                failures.Add($"{method} {parameters?.ToJsonString()}: no answer within 10 s");
                break;
            }
            string outcome;
            if (response.TryGetProperty("result", out _)) outcome = "result";
            else if (response.TryGetProperty("error", out var error) && SpecificCodes.Contains(error.GetProperty("code").GetInt32()))
                outcome = error.GetProperty("code").GetInt32().ToString(CultureInfo.InvariantCulture);
            else
            {
                failures.Add($"{method} {parameters?.ToJsonString()}: {response}");
                continue;
            }
            answered[$"{method} {outcome}"] = answered.GetValueOrDefault($"{method} {outcome}") + 1;
        }
        // Still serving, and it ends as a well-behaved server does.
        Assert.True((await client.RequestAsync(Methods.ListModels, null)).TryGetProperty("result", out _));
        Assert.True(failures.Count == 0, $"{failures.Count} of {requests.Count} requests failed:\n" + string.Join("\n", failures.Take(20)));
        // The draws must reach the analysis itself, not only the validation in front of it.
        Assert.True(answered.GetValueOrDefault($"{Methods.Analyze} result") >= 10, "too few drawn analyses succeeded: " + string.Join(", ", answered));
        Assert.True(answered.GetValueOrDefault($"{Methods.Hover} result") >= 10, "too few drawn hovers succeeded: " + string.Join(", ", answered));
        Assert.True(answered.GetValueOrDefault($"{Methods.Generate} result") >= 10, "too few drawn continuations succeeded: " + string.Join(", ", answered));
        Assert.Equal(0, await client.ShutdownAndExitAsync());
        Console.WriteLine($"protocol property: {requests.Count} requests + {settings.Length} settings in {clock.Elapsed.TotalSeconds:0.0} s; " +
            string.Join(", ", answered.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}: {kv.Value}")));
    }
}
