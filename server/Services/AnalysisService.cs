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

    /// <summary>Separates question and context in one selection for a question-answering model.</summary>
    public const string QaSplitMarker = "|||";
    private readonly SemaphoreSlim slots = new(Math.Max(1, maxConcurrent));

    /// <summary>Reports a stage: a message and a percentage.</summary>
    public delegate Task ProgressSink(string message, int percentage);

    public ModelRegistry Registry => registry;
    public IModelBackend Backend => backend;
    public ModelCache Cache => cache;
    public AnalysisStore Store => store;

    public IReadOnlyList<ModelEntry> ListModels(IReadOnlyList<string>? workspaceFolders = null) => registry.List(cache.IsLoaded, workspaceFolders);

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
        var (question, context, contextStart) = QaInput(request, model.Info.Head, text, start, doc);
        var encoding = model.Tokenizer.Encode(question, context, true, cancellationToken);
        if (request.Continuation is { } continuation) encoding = WithContinuation(encoding, continuation, model, question.Length, request.Model);
        timings["tokenize"] = clock.Elapsed.TotalMilliseconds;
        var limit = Math.Min(options.MaxTokens, model.Info.MaxPositions > 0 ? model.Info.MaxPositions : int.MaxValue);
        if (encoding.Count > limit) throw new TooManyTokensException(encoding.Count, limit, request.Model);
        if (encoding.Count == 0) throw new InvalidParamsException($"range {Show(request.Range)} of '{request.Uri}' gives no tokens.");
        // Document offsets of every token: a pair's second sequence (the QA context) starts after the
        // question's non-special tokens, at its own place in the document.
        var questionTokens = context is null ? int.MaxValue : model.Tokenizer.Encode(question, null, addSpecialTokens: false, cancellationToken).Count;
        var offsets = new (int Start, int End)[encoding.Count];
        for (int i = 0, seen = 0; i < encoding.Count; i++)
        {
            var token = encoding.Tokens[i];
            var origin = !token.IsSpecial && seen++ >= questionTokens ? contextStart : start;
            offsets[i] = (origin + token.Source.Start, origin + token.Source.End);
        }
        options = options with
        {
            Target = ResolveTarget(request, encoding, offsets, doc, model.Info.Head), Prediction = Choice(request, model),
            IgBaselineTokenId = BaselineToken(options.IgBaseline, model),
            // A long input's per-head attention may use what the budget leaves beside the model.
            AttentionMemoryLimitBytes = Math.Max(0, (long)(settings().MemoryBudgetMb ?? SettingsState.DefaultMemoryBudgetMb) * 1024 * 1024 - model.EstimatedBytes),
        };

        var input = new ForwardInput(encoding.Ids, encoding.TypeIds);
        // Attention the session keeps from earlier analyses gives way to this one's (oldest first), and
        // none is kept in the room this one needs while it runs.
        using var room = cache.MakeRoom(PlannedBytes(options, model, encoding.Count), $"analysing {encoding.Count} tokens with {request.Model}");
        await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        AnalysisResult result;
        try
        {
            if (progress is not null)
            {
                // Faithfulness re-runs the model once per token: say what that costs before it starts.
                string cost = options.Methods.Contains(AnalysisMethod.Faithfulness)
                    ? $" (faithfulness: {encoding.Count} occluded inputs, about {Occlusion.CostInForwards(model.Model, encoding.Count, options.Target ?? (model.Info.IsCausal ? encoding.Count - 1 : 0)):F0} forward passes" +
                      (model.Model is ICausalPrefixReuse && model.Info.IsCausal && model.Info.HasLmHead ? " with the key/value cache" : "") + "; leave it out of the methods to skip it)"
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
        room.Dispose(); // its attention is counted next, as a hold
        foreach (var (stage, ms) in result.TimingsMs) timings[stage] = ms;

        var tokens = new TokenDto[encoding.Count];
        for (var i = 0; i < encoding.Count; i++)
        {
            var token = encoding.Tokens[i];
            tokens[i] = new TokenDto(i, token.Id, token.Text, doc.RangeOf(offsets[i].Start, offsets[i].End), token.IsSpecial);
        }
        var info = model.Info;
        var descriptor = new ModelDescriptor(request.Model, path, info.Architecture, info.ModelType, info.Layers, info.Heads, info.ParameterCount, info.IsCausal);
        var id = store.NewId();
        timings["total"] = total.Elapsed.TotalMilliseconds;
        var tokenizer = model.Tokenizer;
        var dto = AnalysisMapper.ToDto(id, descriptor, tokens, result, request.Options?.Layers ?? false, timings,
            v => tokenizer.IdToToken(v) ?? tokenizer.Decode([v], skipSpecialTokens: false),
            (first, last) => (doc.RangeOf(offsets[first].Start, offsets[last].End), doc.Text[offsets[first].Start..Math.Max(offsets[first].Start, offsets[last].End)]));
        // The session keeps the per-head attention of the one forward pass (Heads, Layer Graph), not the
        // rest of the pass: value outputs and LayerNorm terms are T·C per head and layer.
        // A long input's pass may hold head means only (ForwardOptions.HeadMeanAttention): then nothing
        // is kept and the panels' per-head request runs the model again. One kept per layer or in half
        // precision (AttentionStore without one flat array), or a flat one past HeadAttention's own
        // budget, is kept as it is while it fits the server's memory budget beside the models.
        var fw = result.Forward is { } f && f.Heads == result.Heads ? f : null;
        var attention = fw?.AttentionStore.Flat is { } flat ? HeadAttention.Keep(flat, fw.Layers, fw.Heads, fw.Tokens) : null;
        var held = attention is null && fw is not null ? Held(id, fw.AttentionStore) : null;
        attention ??= held;
        result = result with { Forward = null };
        var stored = new StoredAnalysis(id, request.Uri, doc.Version, path, request.Model, input, tokens, offsets, encoding.Tokens, text, start, result, options) { Attention = attention, Prediction = dto.Prediction };
        store.Add(stored);
        // Counted after the store has it, so that a reclaim from now on finds it; refused: not kept.
        if (held is not null && !cache.TryHold(held.Hold!))
        {
            store.DropAttention(id, held);
            stored = stored with { Attention = null };
        }
        return (dto, stored);
    }

    /// <summary>Per-head attention of a kept analysis: from the session when it kept the analysis's
    /// attention, otherwise recomputed with one forward pass.</summary>
    public async Task<AttentionResult> AttentionAsync(AttentionParams p, CancellationToken cancellationToken)
    {
        var stored = store.Get(p.AnalysisId);
        var r = stored.Result;
        if (p.Layer is { } l && (l < 1 || l > r.Layers))
            throw new InvalidParamsException($"layer {l} is outside 1..{r.Layers}.");
        if (p.Head is { } h && (h < 0 || h >= r.Heads))
            throw new InvalidParamsException($"head {h} is outside 0..{r.Heads - 1}.");
        if (stored.Attention is { } kept)
        {
            var fromSession = new List<HeadMatrixDto>();
            for (var layer = 1; layer <= kept.Layers; layer++)
            {
                if (p.Layer is { } onlyLayer && onlyLayer != layer) continue;
                for (var head = 0; head < kept.Heads; head++)
                    if (p.Head is not { } onlyHead || onlyHead == head)
                        fromSession.Add(new HeadMatrixDto(layer, head, kept.Tokens, kept.Tokens, kept.Matrix(layer - 1, head)));
            }
            return new AttentionResult(p.AnalysisId, kept.Tokens, fromSession);
        }
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
        // A long input's pass (kept per layer, maybe in half precision) is kept again while it fits the
        // budget, so that the panel's next request (Layer Graph steps through the layers) runs no model.
        if (forward.Heads == r.Heads && forward.AttentionStore.Flat is null && Held(p.AnalysisId, forward.AttentionStore) is { } again
            && store.TrySetAttention(p.AnalysisId, again) && !cache.TryHold(again.Hold!))
            store.DropAttention(p.AnalysisId, again);
        var n = forward.Tokens;
        var matrices = new List<HeadMatrixDto>();
        for (var layer = 1; layer <= forward.Layers; layer++)
        {
            if (p.Layer is { } onlyLayer && onlyLayer != layer) continue;
            for (var head = 0; head < forward.Heads; head++)
            {
                if (p.Head is { } onlyHead && onlyHead != head) continue;
                // Read through the store: a long input's pass keeps attention per layer, maybe in half precision.
                var matrix = new float[n * n];
                forward.AttentionStore.ReadHead(layer - 1, head, matrix);
                matrices.Add(new HeadMatrixDto(layer, head, n, n, matrix));
            }
        }
        return new AttentionResult(p.AnalysisId, n, matrices);
    }

    /// <summary>Analysis <paramref name="id"/>'s attention kept as the forward's own store, with a budget hold
    /// whose reclaim makes the session forget it.</summary>
    private HeadAttention Held(string id, AttentionStore attention)
    {
        HeadAttention? self = null;
        self = HeadAttention.Held(attention, $"the per-head attention of analysis {id} ({attention.Tokens} tokens, {(attention.Storage == AttentionStorage.Float16 ? "half precision" : "float32")})",
            () => store.DropAttention(id, self!));
        return self;
    }

    /// <summary>Bytes this analysis's attention and working buffers will take (<see cref="AttentionPlan"/>);
    /// 0 when the plan refuses the input (the analysis then reports why).</summary>
    private static long PlannedBytes(AnalysisOptions options, LoadedModel model, int tokens)
    {
        try
        {
            return AttentionPlan.For(options, model.Model.Info, tokens).TotalBytes;
        }
        catch (AttentionLensException)
        {
            return 0;
        }
    }

    /// <summary>The target index after tokenizing: the token at <c>targetPosition</c> when one (non-special)
    /// contains it, else <c>target</c> (index, first or last), else null (the core's default).</summary>
    private static int? ResolveTarget(AnalysisRequest request, Tokenizers.Encoding encoding, (int Start, int End)[] offsets, TextDocument doc, ModelHead head)
    {
        int n = encoding.Count;
        if (request.TargetPosition is { } position)
        {
            var offset = doc.OffsetAt(position);
            for (var i = 0; i < n; i++)
                if (!encoding.Tokens[i].IsSpecial && offsets[i].Start <= offset && offset < offsets[i].End) return i;
        }
        if (request.Target is not { } spec) return null;
        // A sequence classifier's and a QA model's prediction sits at one token (the classification token,
        // the answer's start or end): "first"/"last" (the editor's setting, meant for LMs) give way to it;
        // an explicit index or editor position is honoured.
        if (spec.Index is null && head is ModelHead.SequenceClassification or ModelHead.QuestionAnswering) return null;
        var t = spec.Resolve(n);
        if (t < 0 || t >= n)
            throw new InvalidParamsException($"target {t} is outside the {n} tokens of the selection (0..{n - 1}).");
        return t;
    }

    /// <summary>Question and context of a question-answering model (the tokenizer's pair template joins them):
    /// the selection and <c>contextRange</c>, or the selection split at <see cref="QaSplitMarker"/>. Other
    /// heads analyse the selection alone.</summary>
    private static (string Question, string? Context, int ContextStart) QaInput(AnalysisRequest request, ModelHead head, string text, int start, TextDocument doc)
    {
        if (head != ModelHead.QuestionAnswering)
        {
            if (request.ContextRange is not null || request.QaEnd)
                throw new InvalidParamsException($"contextRange and qaEnd apply to question-answering models; '{request.Model}' has a {MethodNamesHead(head)} head.");
            return (text, null, 0);
        }
        if (request.ContextRange is { } range)
        {
            int cs = doc.OffsetAt(range.Start), ce = doc.OffsetAt(range.End);
            if (ce <= cs) throw new InvalidParamsException($"contextRange {Show(range)} selects no text in '{request.Uri}': select the context.");
            return (text, doc.Text[cs..ce], cs);
        }
        int split = text.IndexOf(QaSplitMarker, StringComparison.Ordinal);
        if (split < 0)
            throw new InvalidParamsException($"'{request.Model}' answers questions: select the question and the context (two selections, question first) or separate them with '{QaSplitMarker}' in one selection.");
        return (text[..split], text[(split + QaSplitMarker.Length)..], start + split + QaSplitMarker.Length);
    }

    /// <summary>params.label and params.contrast as class ids (id2label name or number) or, for LMs, vocabulary ids (number or token).</summary>
    private static PredictionChoice? Choice(AnalysisRequest request, LoadedModel model)
    {
        int? contrast = request.Contrast is { } c ? Resolve(c, "contrast", request, model) : null;
        if (request.Label is not { } label)
            return request.QaEnd || contrast is not null ? new PredictionChoice(SpanEnd: request.QaEnd, Contrast: contrast) : null;
        return new PredictionChoice(Resolve(label, "label", request, model), request.QaEnd, contrast);
    }

    /// <summary>A label or token named by <paramref name="field"/> (label, contrast) as an id.</summary>
    private static int Resolve(string label, string field, AnalysisRequest request, LoadedModel model)
    {
        var info = model.Info;
        int? id = null;
        if (info.Head is ModelHead.SequenceClassification or ModelHead.TokenClassification)
        {
            for (var k = 0; k < info.Labels.Count; k++)
                if (string.Equals(info.Labels[k], label, StringComparison.OrdinalIgnoreCase)) id = k;
            if (id is null && int.TryParse(label, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n < Math.Max(info.NumLabels, info.Labels.Count)) id = n;
            if (id is null)
                throw new InvalidParamsException($"{field} '{label}' is not one of the model's labels ({string.Join(", ", info.Labels.Select((l, k) => $"{k}={l}"))}); give a name or an id.");
        }
        else if (info.Head is ModelHead.CausalLM or ModelHead.MaskedLM)
        {
            id = int.TryParse(label, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : model.Tokenizer.TokenToId(label);
            if (id is not { } v || v >= model.Tokenizer.VocabSize)
                throw new InvalidParamsException($"{field} '{label}' is neither a vocabulary id below {model.Tokenizer.VocabSize} nor a token of the vocabulary.");
        }
        else
        {
            throw new InvalidParamsException($"{field} applies to classifiers and language models; '{request.Model}' has a {MethodNamesHead(info.Head)} head{(info.Head == ModelHead.QuestionAnswering ? " (use qaEnd to explain the span's end)" : "")}.");
        }
        return id.Value;
    }

    /// <summary>The token id of integrated gradients' pad or mask baseline, from the tokenizer's vocabulary.</summary>
    private static int? BaselineToken(IntegratedGradientsBaseline baseline, LoadedModel model)
    {
        if (baseline == IntegratedGradientsBaseline.Zero) return null;
        string[] names = baseline == IntegratedGradientsBaseline.Pad ? ["[PAD]", "<pad>", "<|padding|>", "<|pad|>"] : ["[MASK]", "<mask>"];
        foreach (var name in names)
            if (model.Tokenizer.TokenToId(name) is { } id) return id;
        throw new InvalidParamsException($"options.igBaseline '{baseline.ToString().ToLowerInvariant()}': this model's tokenizer has no {string.Join(" or ", names)} token; use the zero baseline.");
    }

    /// <summary>The selection's tokens followed by <paramref name="continuation"/> (generated ids), which get
    /// empty source ranges at the selection's end; only a causal LM continues text.</summary>
    private static Tokenizers.Encoding WithContinuation(Tokenizers.Encoding encoding, IReadOnlyList<int> continuation, LoadedModel model, int end, string modelName)
    {
        if (model.Info.Head != ModelHead.CausalLM)
            throw new InvalidParamsException($"continuation applies to causal language models; '{modelName}' has a {MethodNamesHead(model.Info.Head)} head.");
        var tokens = new List<Tokenizers.Token>(encoding.Tokens);
        for (var i = 0; i < continuation.Count; i++)
        {
            var id = continuation[i];
            if (id < 0 || id >= model.Info.VocabSize)
                throw new InvalidParamsException($"continuation[{i}] {id} is not a vocabulary id (0..{model.Info.VocabSize - 1}).");
            tokens.Add(new Tokenizers.Token(id, model.Tokenizer.IdToToken(id) ?? model.Tokenizer.Decode([id], skipSpecialTokens: false), new Tokenizers.TextRange(end, end), IsSpecial: false));
        }
        return new Tokenizers.Encoding(tokens);
    }

    private static string MethodNamesHead(ModelHead head) => AnalysisMapper.HeadName(head);

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
        if (o.IgSteps is { } steps && steps is < 1 or > 1024) throw new InvalidParamsException($"options.igSteps {steps} must lie in 1..1024.");
        var baseline = o.IgBaseline is null ? IntegratedGradientsBaseline.Zero
            : Enum.TryParse<IntegratedGradientsBaseline>(o.IgBaseline, ignoreCase: true, out var b) && !int.TryParse(o.IgBaseline, out _) ? b
            : throw new InvalidParamsException($"options.igBaseline '{o.IgBaseline}' is not one of zero, pad, mask.");
        return new AnalysisOptions
        {
            Methods = methods,
            HeadReduction = reduction,
            HeadSubset = o.Heads,
            Residual = o.Residual ?? defaults.Residual,
            Tau = o.Tau ?? defaults.Tau,
            Alpha = o.Alpha ?? defaults.Alpha,
            ReceptiveFieldNormalisation = o.ReceptiveFieldNormalisation ?? defaults.ReceptiveFieldNormalisation,
            MaxTokens = maxTokens,
            IgSteps = o.IgSteps ?? defaults.IgSteps,
            IgBaseline = baseline,
        };
    }

    private static string Show(Protocol.Range r) => $"{r.Start.Line}:{r.Start.Character}-{r.End.Line}:{r.End.Character}";
}
