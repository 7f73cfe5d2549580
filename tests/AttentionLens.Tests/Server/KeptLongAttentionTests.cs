using System.Text.Json;
using System.Text.Json.Nodes;
using AttentionLens.Analysis;
using AttentionLens.Models;
using AttentionLens.Server.Cli;
using AttentionLens.Server.Protocol;
using AttentionLens.Server.Services;
using Xunit.Abstractions;

namespace AttentionLens.Tests.Server;

/// <summary>
/// A long input's per-head attention (kept by the forward per layer, in half precision) is kept by the
/// session against the server's memory budget (<see cref="HeadAttention.Held"/>, <see cref="ModelCache.TryHold"/>),
/// so the Heads and Layer Graph panels run no model. On the golden Llama checkpoint with the core's
/// half-precision storage forced on a short input (<see cref="AnalysisOptions.AttentionStorage"/>), every
/// model call counted: the answers are the store's decoded values bit for bit and the float32 forward's
/// within half precision's rounding, |p̃ − p| ≤ 2⁻¹¹·p + 2⁻²⁵ (the bound CompactAttentionTests checks in
/// the core); when a model or another analysis needs the room, the kept attention goes first and the
/// request recomputes it with one forward pass, kept again when it fits.
/// </summary>
public class KeptLongAttentionTests(ITestOutputHelper output)
{
    private const double Eps = 1.0 / 2048, Eta = 1.0 / (1 << 25);
    private static readonly string Llama = SharedData.Path("golden", "hf", "llama");
    private static readonly string Gpt2 = SharedData.Path("golden", "hf", "gpt2");
    private const string Text = "Once upon a time there was a little girl who loved dragons";

    [Fact]
    public async Task HeadsAndLayerGraphAnswerFromTheKeptHalfPrecisionStore_WithNoSecondForward()
    {
        var backend = new HalfBackend();
        await using var client = new InMemoryClient(backend);
        await client.InitializeAsync();
        await client.OpenAsync("file:///long.txt", Text);
        var analysis = await Analyze(client);
        Assert.Equal(1, backend.Forwards);
        var id = analysis.GetProperty("analysisId").GetString();
        var store = backend.LastStore!;
        Assert.Equal(AttentionStorage.Float16, store.Storage);
        Assert.Null(store.Flat);
        int L = store.Layers, H = store.Heads, T = store.Tokens;
        Assert.True(T > 20, $"{T} tokens");

        // Heads (every layer and head at once), then Layer Graph one layer at a time: no model runs.
        var all = (await client.RequestAsync(Methods.Attention, new JsonObject { ["analysisId"] = id })).GetProperty("result");
        Assert.Equal(L * H, all.GetProperty("matrices").GetArrayLength());
        for (int l = 1; l <= L; l++)
        {
            var one = (await client.RequestAsync(Methods.Attention, new JsonObject { ["analysisId"] = id, ["layer"] = l })).GetProperty("result");
            Assert.Equal(H, one.GetProperty("matrices").GetArrayLength());
        }
        Assert.Equal(1, backend.Forwards);

        // The store's decoded values exactly, the float32 forward within half precision's rounding.
        var ids = analysis.GetProperty("tokens").EnumerateArray().Select(t => t.GetProperty("id").GetInt32()).ToArray();
        var exact = backend.Model!.Forward(new ForwardInput(ids), new ForwardOptions { ComputeLogits = false });
        var decoded = new float[T * T];
        double worst = 0;
        foreach (var m in all.GetProperty("matrices").EnumerateArray())
        {
            int layer = m.GetProperty("layer").GetInt32() - 1, head = m.GetProperty("head").GetInt32();
            var data = m.GetProperty("data").EnumerateArray().Select(e => e.GetSingle()).ToArray();
            store.ReadHead(layer, head, decoded);
            Assert.Equal(decoded, data);
            var p = exact.AttentionStore.Flat!.AsSpan((layer * H + head) * T * T, T * T);
            for (int e = 0; e < data.Length; e++)
            {
                double d = Math.Abs(data[e] - p[e]);
                Assert.True(d <= Eps * p[e] + Eta, $"layer {layer + 1} head {head} entry {e}: |{data[e]} − {p[e]}| = {d:E3} exceeds 2⁻¹¹·p + 2⁻²⁵");
                worst = Math.Max(worst, d);
            }
        }
        output.WriteLine($"{T} tokens: worst |p̃ − p| = {worst:E3}");

        // serverStats counts the kept attention beside the models.
        var stats = (await client.RequestAsync(Methods.ServerStats, new JsonObject())).GetProperty("result");
        Assert.Equal(2L * L * H * T * T, stats.GetProperty("keptAttentionBytes").GetInt64());
        Assert.True(stats.GetProperty("cachedModelBytes").GetInt64() + stats.GetProperty("keptAttentionBytes").GetInt64() <= stats.GetProperty("budgetBytes").GetInt64());
    }

    [Fact]
    public async Task ANewModelTakesTheRoom_TheKeptAttentionGoesFirst_AndTheRequestRecomputes()
    {
        var backend = new HalfBackend();
        long budget = long.MaxValue / 4;
        var (service, cache) = Service(backend, () => budget);
        var (_, stored) = await service.AnalyzeAsync(CliAnalysis.Request(Text, Llama, null, "attention,rollout,influence"), null, CancellationToken.None);
        long held = backend.LastStore!.Bytes, llama = cache.CachedBytes;
        Assert.Equal(held, cache.HeldBytes);
        Assert.NotNull(service.Store.Get(stored.Id).Attention);

        // Room for both models, not for the kept attention too: it goes, the idle Llama stays.
        budget = llama + backend.Estimate(Gpt2)!.TotalBytes + held - 1;
        using (await cache.AcquireAsync(Gpt2, null, CancellationToken.None))
        {
            Assert.Equal(0, cache.HeldBytes);
            Assert.Equal(2, cache.LoadedPaths.Count);
            Assert.True(cache.CachedBytes + cache.HeldBytes <= budget);
        }
        Assert.Null(service.Store.Get(stored.Id).Attention);

        // The panels still get their answer: one forward pass, float32 for this short input.
        int before = backend.Forwards;
        var result = await service.AttentionAsync(Ask(stored.Id, 2, 1), CancellationToken.None);
        Assert.Equal(before + 1, backend.Forwards);
        var exact = backend.Model!.Forward(stored.Input, new ForwardOptions { ComputeLogits = false });
        int T = stored.Input.Length, H = exact.Heads;
        Assert.Equal(exact.AttentionStore.Flat!.AsSpan((1 * H + 1) * T * T, T * T).ToArray(), Assert.Single(result.Matrices).Data);
    }

    [Fact]
    public async Task ANewAnalysisTakesTheRoomOfTheOldestKeptAttention_AndOneThatDoesNotFitIsNotKept()
    {
        var backend = new HalfBackend();
        long budget = long.MaxValue / 4;
        var (service, cache) = Service(backend, () => budget);
        var request = CliAnalysis.Request(Text, Llama, null, "attention,rollout,influence");
        var (_, first) = await service.AnalyzeAsync(request, null, CancellationToken.None);
        long held = backend.LastStore!.Bytes, llama = cache.CachedBytes;

        // The model and one analysis's attention fit; a second analysis needs room beside them, and
        // gets it before it runs.
        budget = llama + held;
        backend.Probe = () => cache.HeldBytes;
        var (_, second) = await service.AnalyzeAsync(request, null, CancellationToken.None);
        Assert.Equal(0, backend.ProbedAtAnalysis);
        Assert.Equal(2, backend.Forwards);
        Assert.Null(service.Store.Get(first.Id).Attention);
        Assert.NotNull(service.Store.Get(second.Id).Attention);
        Assert.Equal(held, cache.HeldBytes);
        await service.AttentionAsync(Ask(second.Id, null, null), CancellationToken.None);
        Assert.Equal(2, backend.Forwards);
        // The first is recomputed once (in half precision, as a long input's pass is) and kept again,
        // taking the room of the older hold; its next request runs no model.
        backend.HalfForward = true;
        var recomputed = await service.AttentionAsync(Ask(first.Id, 1, null), CancellationToken.None);
        Assert.Equal(3, backend.Forwards);
        Assert.Equal(backend.LastStore.Heads, recomputed.Matrices.Count);
        Assert.NotNull(service.Store.Get(first.Id).Attention);
        Assert.Null(service.Store.Get(second.Id).Attention);
        var again = await service.AttentionAsync(Ask(first.Id, 1, null), CancellationToken.None);
        Assert.Equal(3, backend.Forwards);
        for (int h = 0; h < again.Matrices.Count; h++) Assert.Equal(recomputed.Matrices[h].Data, again.Matrices[h].Data);
        Assert.Equal(held, cache.HeldBytes);

        // Too little room for one analysis's attention beside the model: nothing is kept, nothing exceeds the budget.
        budget = llama + held - 1;
        var (_, third) = await service.AnalyzeAsync(request, null, CancellationToken.None);
        Assert.Null(service.Store.Get(third.Id).Attention);
        Assert.Equal(0, cache.HeldBytes);
        Assert.True(cache.CachedBytes + cache.HeldBytes <= budget);
        await service.AttentionAsync(Ask(third.Id, 2, 0), CancellationToken.None);
        Assert.Equal(5, backend.Forwards);
        Assert.Null(service.Store.Get(third.Id).Attention);
        Assert.Equal(0, cache.HeldBytes);
    }

    private static AttentionParams Ask(string id, int? layer, int? head) => new() { AnalysisId = id, Layer = layer, Head = head };

    private static (AnalysisService Service, ModelCache Cache) Service(IModelBackend backend, Func<long> budget)
    {
        var settings = new ServerSettings();
        var cache = new ModelCache(backend, budget);
        return (new AnalysisService(backend, new ModelRegistry(() => settings, "/nonexistent"), cache, new AnalysisStore(), () => settings, 1), cache);
    }

    private static async Task<JsonElement> Analyze(InMemoryClient client)
    {
        var p = new JsonObject
        {
            ["textDocument"] = new JsonObject { ["uri"] = "file:///long.txt" },
            ["range"] = new JsonObject { ["start"] = new JsonObject { ["line"] = 0, ["character"] = 0 }, ["end"] = new JsonObject { ["line"] = 0, ["character"] = Text.Length } },
            ["model"] = Llama,
            ["methods"] = new JsonArray("attention", "rollout", "influence"),
        };
        var response = await client.RequestAsync(Methods.Analyze, p);
        Assert.True(response.TryGetProperty("result", out var result), response.ToString());
        return result;
    }

    /// <summary>The real backend with half-precision attention storage forced and every model call counted.</summary>
    private sealed class HalfBackend : IModelBackend
    {
        private readonly CoreModelBackend inner = new();
        private int forwards;

        public int Forwards => forwards;
        public ITransformerModel? Model { get; private set; }
        public AttentionStore? LastStore { get; private set; }

        /// <summary>Read when an analysis starts (the bytes the cache holds for kept attention then).</summary>
        public Func<long>? Probe { get; set; }
        public long ProbedAtAnalysis { get; private set; }

        public ModelMemoryEstimate? Estimate(string directory) => inner.Estimate(directory);

        public LoadedModel Load(string directory, CancellationToken cancellationToken)
        {
            var loaded = inner.Load(directory, cancellationToken);
            if (directory == Llama) Model = loaded.Model;
            return loaded with { Model = new Counting(loaded.Model, () => Interlocked.Increment(ref forwards)) };
        }

        public AnalysisResult Analyze(LoadedModel model, ForwardInput input, AnalysisOptions options, CancellationToken cancellationToken)
        {
            ProbedAtAnalysis = Probe?.Invoke() ?? -1;
            var result = inner.Analyze(model, input, options with { AttentionStorage = AttentionStorage.Float16 }, cancellationToken);
            LastStore = result.Forward?.AttentionStore;
            return result;
        }

        /// <summary>Recompute in half precision per layer too (what a long input's pass does).</summary>
        public bool HalfForward { get; set; }

        public ForwardResult Forward(LoadedModel model, ForwardInput input, CancellationToken cancellationToken) => HalfForward
            ? model.Model.Forward(input, new ForwardOptions { ComputeLogits = false, AttentionStorage = AttentionStorage.Float16 }, cancellationToken)
            : inner.Forward(model, input, cancellationToken);
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
