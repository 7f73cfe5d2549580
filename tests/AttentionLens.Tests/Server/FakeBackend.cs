using AttentionLens.Analysis;
using AttentionLens.Models;
using AttentionLens.Server.Services;
using AttentionLens.Tokenizers;

namespace AttentionLens.Tests.Server;

/// <summary>
/// A stand-in for the core pipeline so the server loop can be tested on its own: a whitespace
/// tokenizer (with a BOS special token) and an "analysis" whose numbers are simple and known:
/// rollout rows are uniform over the keys a causal model sees, influence of token j is j + 1,
/// and one traced edge (layer L, head j mod H) reaches every token j.
/// </summary>
internal sealed class FakeBackend(int layers = 2, int heads = 2) : IModelBackend
{
    private int loads;

    /// <summary>When set, each layer of Analyze waits on it (lets tests cancel mid-analysis).</summary>
    public SemaphoreSlim? LayerGate { get; set; }

    /// <summary>Estimated bytes per loaded model, by folder name; default 1 MiB.</summary>
    public Dictionary<string, long> Sizes { get; } = new();

    public int Loads => loads;

    public LoadedModel Load(string directory, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref loads);
        var info = new ModelInfo("fake", "FakeForCausalLM", layers, heads, heads, 8, 4, 1000, 1234, true, true, 0, 64);
        var bytes = Sizes.TryGetValue(Path.GetFileName(directory), out var b) ? b : 1 << 20;
        return new LoadedModel(directory, new FakeModel(info), new WhitespaceTokenizer(), bytes);
    }

    public AnalysisResult Analyze(LoadedModel model, ForwardInput input, AnalysisOptions options, CancellationToken cancellationToken)
    {
        var t = input.Length;
        for (var l = 0; l < layers; l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            LayerGate?.Wait(cancellationToken);
        }
        var target = options.Target ?? t - 1;
        var rollout = new double[t * t];
        for (var i = 0; i < t; i++)
            for (var j = 0; j <= i; j++) rollout[i * t + j] = 1.0 / (i + 1);
        var edges = Enumerable.Range(0, t).Select(j => new TracedEdge(layers, j % heads, target, j, 0.5)).ToArray();
        var influence = options.Methods.Contains(AnalysisMethod.Influence)
            ? new InfluenceScores(Enumerable.Range(0, t).Select(j => j + 1.0).ToArray(), new Matrix(layers, t, new double[layers * t]), new Matrix(layers, t, new double[layers * t]), edges)
            : null;
        return new AnalysisResult
        {
            Layers = layers,
            Heads = heads,
            Tokens = t,
            Target = target,
            Rollout = new Matrix(t, t, rollout),
            RolloutByLayer = new Matrix(layers, t, new double[layers * t]),
            Influence = influence,
            TimingsMs = new Dictionary<string, double> { ["forward"] = 0.1 },
        };
    }

    public ForwardResult Forward(LoadedModel model, ForwardInput input, CancellationToken cancellationToken)
    {
        var t = input.Length;
        var attentions = new float[layers * heads * t * t];
        for (var k = 0; k < layers * heads; k++)
            for (var i = 0; i < t; i++)
                for (var j = 0; j <= i; j++) attentions[(k * t + i) * t + j] = 1f / (i + 1);
        return new ForwardResult { Layers = layers, Heads = heads, Tokens = t, Hidden = 8, Attentions = attentions, HiddenStates = new float[(layers + 1) * t * 8] };
    }

    /// <summary>Continues with ids 10, 11, … (probability 0.5 each), one per step up to MaxNewTokens,
    /// checking the token per step as the real generator does; no model runs.</summary>
    public AttentionLens.Generation.GenerationResult Generate(LoadedModel model, int[] promptIds, AttentionLens.Generation.GenerationOptions options,
        Action<int, AttentionLens.Generation.GeneratedToken>? onToken, CancellationToken cancellationToken)
    {
        options.Validate();
        var tokens = new List<AttentionLens.Generation.GeneratedToken>();
        for (var k = 0; k < options.MaxNewTokens; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var token = new AttentionLens.Generation.GeneratedToken(10 + k, 0.5);
            tokens.Add(token);
            onToken?.Invoke(k, token);
        }
        return new AttentionLens.Generation.GenerationResult(promptIds, tokens, AttentionLens.Generation.GenerationStop.MaxNewTokens, null, false, options.Seed);
    }

    private sealed class FakeModel(ModelInfo info) : ITransformerModel
    {
        public ModelInfo Info { get; } = info;
        public ForwardResult Forward(ForwardInput input, ForwardOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("the fake backend computes results itself");
    }

    /// <summary>BOS (id 1, empty range at 0), then one token per whitespace-separated word, id = length + 10.</summary>
    private sealed class WhitespaceTokenizer : ITokenizer
    {
        public int VocabSize => 1000;

        public Encoding Encode(string text, string? pair = null, bool addSpecialTokens = true)
        {
            var tokens = new List<Token> { new(1, "<s>", new TextRange(0, 0), true) };
            var i = 0;
            while (i < text.Length)
            {
                while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
                var start = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i])) i++;
                if (i > start) tokens.Add(new Token(10 + i - start, text[start..i], new TextRange(start, i), false));
            }
            return new Encoding(tokens);
        }

        public string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens = true) => string.Join(' ', ids);
        public int? TokenToId(string token) => null;
        public string? IdToToken(int id) => null;
    }
}
