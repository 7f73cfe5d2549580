using System.Diagnostics;
using AttentionLens.Analysis;
using AttentionLens.Models;
using AttentionLens.Server.Protocol;

namespace AttentionLens.Server.Services;

/// <summary>
/// Runs analyses for the server and the command line alike: resolve the model, lease it from the
/// cache, tokenize the selected text, enforce the token cap, analyse (at most
/// <c>maxConcurrent</c> at once, cancellable within one layer), map token offsets back to
/// document ranges, and keep the result for hover and per-head attention.
/// </summary>
public sealed class AnalysisService(IModelBackend backend, ModelRegistry registry, ModelCache cache, AnalysisStore store, Func<ServerSettings> settings, int maxConcurrent)
{
    public const int DefaultMaxTokens = 512;
    private readonly SemaphoreSlim slots = new(Math.Max(1, maxConcurrent));

    /// <summary>Reports a stage: a message and a percentage.</summary>
    public delegate Task ProgressSink(string message, int percentage);

    public ModelRegistry Registry => registry;
    public ModelCache Cache => cache;
    public AnalysisStore Store => store;

    public IReadOnlyList<ModelEntry> ListModels() => registry.List(cache.IsLoaded);

    public async Task<(AnalyzeResult Result, StoredAnalysis Stored)> AnalyzeAsync(AnalysisRequest request, ProgressSink? progress, CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        var timings = new Dictionary<string, double>(StringComparer.Ordinal);
        var path = registry.Resolve(request.Model);
        var doc = request.Document;
        var start = doc.OffsetAt(request.Range.Start);
        var end = doc.OffsetAt(request.Range.End);
        if (end <= start)
            throw new InvalidParamsException($"range {Show(request.Range)} selects no text in '{request.Uri}': select the text to analyse.");
        var text = doc.Text[start..end];
        var options = BuildOptions(request);

        if (progress is not null) await progress("Loading model", 5).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        using var lease = await cache.AcquireAsync(path, null, cancellationToken).ConfigureAwait(false);
        timings["load"] = clock.Elapsed.TotalMilliseconds;
        var model = lease.Model;

        if (progress is not null) await progress("Tokenizing", 30).ConfigureAwait(false);
        clock.Restart();
        var encoding = model.Tokenizer.Encode(text);
        timings["tokenize"] = clock.Elapsed.TotalMilliseconds;
        var limit = Math.Min(options.MaxTokens, model.Info.MaxPositions > 0 ? model.Info.MaxPositions : int.MaxValue);
        if (encoding.Count > limit) throw new TooManyTokensException(encoding.Count, limit, request.Model);
        if (encoding.Count == 0) throw new InvalidParamsException($"range {Show(request.Range)} of '{request.Uri}' gives no tokens.");
        if (options.Target is { } t && (t < 0 || t >= encoding.Count))
            throw new InvalidParamsException($"target {t} is outside the {encoding.Count} tokens of the selection (0..{encoding.Count - 1}).");

        var input = new ForwardInput(encoding.Ids, encoding.TypeIds);
        await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        AnalysisResult result;
        try
        {
            if (progress is not null)
            {
                // Faithfulness re-runs the model once per token: say what that costs before it starts.
                string cost = options.Methods.Contains(AnalysisMethod.Faithfulness)
                    ? $" (faithfulness: {encoding.Count} occluded inputs, about {Occlusion.CostInForwards(model.Model, encoding.Count, options.Target ?? (model.Info.IsCausal ? encoding.Count - 1 : 0)):F0} forward passes" +
                      (model.Model is ICausalPrefixReuse && model.Info.IsCausal ? " with the key/value cache" : "") + "; leave it out of the methods to skip it)"
                    : "";
                await progress($"Analysing {encoding.Count} tokens{cost}", 40).ConfigureAwait(false);
            }
            clock.Restart();
            result = await Task.Run(() => backend.Analyze(model, input, options, cancellationToken), cancellationToken).ConfigureAwait(false);
            timings["analyze"] = clock.Elapsed.TotalMilliseconds;
        }
        finally
        {
            slots.Release();
        }
        foreach (var (stage, ms) in result.TimingsMs) timings[stage] = ms;

        var offsets = new (int Start, int End)[encoding.Count];
        var tokens = new TokenDto[encoding.Count];
        for (var i = 0; i < encoding.Count; i++)
        {
            var token = encoding.Tokens[i];
            offsets[i] = (start + token.Source.Start, start + token.Source.End);
            tokens[i] = new TokenDto(i, token.Id, token.Text, doc.RangeOf(offsets[i].Start, offsets[i].End), token.IsSpecial);
        }
        var info = model.Info;
        var descriptor = new ModelDescriptor(request.Model, path, info.Architecture, info.ModelType, info.Layers, info.Heads, info.ParameterCount, info.IsCausal);
        var id = store.NewId();
        timings["total"] = total.Elapsed.TotalMilliseconds;
        var dto = AnalysisMapper.ToDto(id, descriptor, tokens, result, request.Options?.Layers ?? false, timings);
        var stored = new StoredAnalysis(id, request.Uri, doc.Version, path, request.Model, input, tokens, offsets, encoding.Tokens, text, start, result, options);
        store.Add(stored);
        return (dto, stored);
    }

    /// <summary>Per-head attention of a kept analysis, recomputed with a forward pass (the core's result keeps only reductions).</summary>
    public async Task<AttentionResult> AttentionAsync(AttentionParams p, CancellationToken cancellationToken)
    {
        var stored = store.Get(p.AnalysisId);
        var r = stored.Result;
        if (p.Layer is { } l && (l < 1 || l > r.Layers))
            throw new InvalidParamsException($"layer {l} is outside 1..{r.Layers}.");
        if (p.Head is { } h && (h < 0 || h >= r.Heads))
            throw new InvalidParamsException($"head {h} is outside 0..{r.Heads - 1}.");
        using var lease = await cache.AcquireAsync(stored.ModelPath, null, cancellationToken).ConfigureAwait(false);
        await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        ForwardResult forward;
        try
        {
            forward = await Task.Run(() => backend.Forward(lease.Model, stored.Input, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }
        var n = forward.Tokens;
        var matrices = new List<HeadMatrixDto>();
        for (var layer = 1; layer <= forward.Layers; layer++)
        {
            if (p.Layer is { } onlyLayer && onlyLayer != layer) continue;
            var block = forward.LayerAttention(layer - 1);
            for (var head = 0; head < forward.Heads; head++)
            {
                if (p.Head is { } onlyHead && onlyHead != head) continue;
                matrices.Add(new HeadMatrixDto(layer, head, n, n, block.Slice(head * n * n, n * n).ToArray()));
            }
        }
        return new AttentionResult(p.AnalysisId, n, matrices);
    }

    private AnalysisOptions BuildOptions(AnalysisRequest request)
    {
        var o = request.Options ?? new AnalyzeOptions();
        var methods = new HashSet<AnalysisMethod> { AnalysisMethod.Rollout };
        if (request.Methods is null)
            methods.UnionWith(new AnalysisOptions().Methods);
        else
            foreach (var name in request.Methods) methods.Add(MethodNames.Parse(name, "methods"));
        var reduction = o.HeadReduction is null ? HeadReduction.Mean
            : Enum.TryParse<HeadReduction>(o.HeadReduction, ignoreCase: true, out var hr) ? hr
            : throw new InvalidParamsException($"options.headReduction '{o.HeadReduction}' is not one of mean, max, min, sum.");
        if (o.Tau is { } tau && !(tau >= 0 && tau <= 1)) throw new InvalidParamsException($"options.tau {tau} must lie in [0, 1].");
        if (o.Alpha is { } alpha && !(alpha > 0 && alpha <= 1)) throw new InvalidParamsException($"options.alpha {alpha} must lie in (0, 1].");
        var configured = settings().MaxTokens ?? DefaultMaxTokens;
        var maxTokens = Math.Min(o.MaxTokens ?? configured, configured);
        if (maxTokens < 1) throw new InvalidParamsException($"options.maxTokens {maxTokens} must be at least 1.");
        var defaults = new AnalysisOptions();
        return new AnalysisOptions
        {
            Target = request.Target,
            Methods = methods,
            HeadReduction = reduction,
            HeadSubset = o.Heads,
            Residual = o.Residual ?? defaults.Residual,
            Tau = o.Tau ?? defaults.Tau,
            Alpha = o.Alpha ?? defaults.Alpha,
            ReceptiveFieldNormalisation = o.ReceptiveFieldNormalisation ?? defaults.ReceptiveFieldNormalisation,
            MaxTokens = maxTokens,
        };
    }

    private static string Show(Protocol.Range r) => $"{r.Start.Line}:{r.Start.Character}-{r.End.Line}:{r.End.Character}";
}
