using System.Diagnostics;
using AttentionLens.Flow;
using AttentionLens.Models;

namespace AttentionLens.Analysis;

/// <summary>
/// Where models and methods meet: one forward pass, then a loop over the requested methods of
/// <see cref="MethodRegistry"/> for one target.
/// </summary>
public static class Analyzer
{
    /// <summary>
    /// Runs <paramref name="model"/> on <paramref name="input"/> once and analyses it. The target
    /// defaults to the first token for encoders (the classification token) and the last for causal
    /// decoders (the position whose next-token prediction is explained). Cancellation is checked
    /// between stages and at least once per layer inside them.
    /// </summary>
    public static AnalysisResult Analyze(ITransformerModel model, ForwardInput input, AnalysisOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        Validate(model, input, options);
        var clock = Stopwatch.StartNew();
        var forward = model.Forward(input, ForwardOptionsFor(options, model.Info, input.Length), cancellationToken);
        double ms = clock.Elapsed.TotalMilliseconds;
        var result = AnalyzeForward(model, input, forward, options, cancellationToken);
        var timings = new Dictionary<string, double>(result.TimingsMs) { ["forward"] = ms };
        return result with { TimingsMs = timings };
    }

    /// <summary>
    /// The forward options that capture what every requested method needs. Given the model and the
    /// input length, per-head attention (L·H·T² values) is kept as <see cref="PlanAttention"/> decides:
    /// float32 in one array up to <see cref="AnalysisOptions.PerHeadAttentionLimitBytes"/>; above it head
    /// means alone when every requested method reads only those, else half precision per layer with the
    /// value outputs reduced to their Grams, while that fits <see cref="AnalysisOptions.AttentionMemoryLimitBytes"/>;
    /// otherwise the analysis is refused here, before the model runs, saying what fits.
    /// </summary>
    public static ForwardOptions ForwardOptionsFor(AnalysisOptions options, ModelInfo? info = null, int tokens = 0)
    {
        var plan = PlanAttention(options, info, tokens);
        var needs = MethodNeeds.Attentions;
        foreach (var m in options.Methods)
            if (MethodRegistry.Find(m.Name) is { } method) needs |= method.Needs;
        bool values = needs.HasFlag(MethodNeeds.ValueOutputs);
        return new ForwardOptions
        {
            CaptureValueOutputs = values,
            // Kept per layer, value norms read attention one row at a time and need only the value
            // outputs' Grams; (L, H, T, C) floats would not fit beside it (8.6·10⁹ at 2,051 tokens of Llama-3.2-1B).
            CaptureValueGram = values && (plan.Storage == AttentionStorage.Float16 || (info is not null && (long)info.Layers * info.Heads * tokens * info.HiddenSize > Array.MaxLength)),
            CapturePostNormTerms = needs.HasFlag(MethodNeeds.PostNormTerms),
            CaptureResidualStream = needs.HasFlag(MethodNeeds.ResidualStream),
            HeadMeanAttention = plan.HeadMean,
            AttentionStorage = plan.Storage,
        };
    }

    /// <summary>How a pass keeps attention for an analysis: <paramref name="Bytes"/> the kept attention
    /// (<see cref="AttentionBytes"/>), <paramref name="WorkingBytes"/> the rest of the analysis's large
    /// buffers (<see cref="WorkingBytes"/>; 0 for inputs that keep one float32 array, which the model's
    /// load estimate covers).</summary>
    public readonly record struct AttentionPlan(bool HeadMean, AttentionStorage Storage, long Bytes, long WorkingBytes = 0)
    {
        public long TotalBytes => Bytes + WorkingBytes;
    }

    /// <summary>
    /// Chooses the attention storage of an analysis of <paramref name="tokens"/> tokens and checks it
    /// fits: see <see cref="ForwardOptionsFor"/>. <see cref="AnalysisOptions.AttentionStorage"/> forces
    /// a storage (tests compare half precision with float32 on small models). The bytes count the kept
    /// attention (and, for half precision, the one float32 layer the forward writes first) plus value
    /// Grams when value norms are asked for (<see cref="AttentionBytes"/>).
    /// </summary>
    public static AttentionPlan PlanAttention(AnalysisOptions options, ModelInfo? info, int tokens)
    {
        if (info is null) return new AttentionPlan(false, options.AttentionStorage ?? AttentionStorage.Float32, 0);
        long values = (long)info.Layers * info.Heads * tokens * tokens;
        if (options.AttentionStorage is null && NeedsOnlyHeadMeans(options) && 4 * values > options.PerHeadAttentionLimitBytes)
            return new AttentionPlan(true, AttentionStorage.Float32, AttentionBytes(info, tokens, true, AttentionStorage.Float32, false));
        var unsupported = options.Methods.Where(m => !HeadMeanMethods.Contains(m.Name) && !PerLayerMethods.Contains(m.Name)).Select(m => m.Name).ToList();
        bool flatFits = values <= Array.MaxLength && 4 * values <= options.PerHeadAttentionLimitBytes;
        var storage = options.AttentionStorage ?? (flatFits ? AttentionStorage.Float32 : AttentionStorage.Float16);
        bool valueNorms = options.Methods.Contains(AnalysisMethod.ValueNorms);
        long bytes = AttentionBytes(info, tokens, false, storage, valueNorms);
        if (flatFits && options.AttentionStorage is null) return new AttentionPlan(false, storage, bytes);
        long working = WorkingBytes(info, tokens, options.Methods.Contains(AnalysisMethod.Flow));
        // Methods that read single heads only through a flat float32 array (ALTI, GlobEnc, routes, value
        // zeroing, the attention-gradient methods) cannot run past it.
        if (unsupported.Count > 0 && (storage == AttentionStorage.Float16 || values > Array.MaxLength))
            throw new AnalysisException(
                $"{tokens} tokens are too many for {string.Join(", ", unsupported)}: {(storage == AttentionStorage.Float16 ? "they read single heads from one float32 array, and this input's attention is kept in half precision per layer" : $"their per-head attention would be {info.Layers} × {info.Heads} × {tokens}² = {values:N0} values, more than one array holds")}. "
                + $"Analyse fewer tokens (at most {MaxTokensFor(info, options.PerHeadAttentionLimitBytes / 4)}), or use methods that read attention per layer (rollout, flow, attention, influence, valueNorms, and those that read none).",
                "methods");
        if (!AttentionStore.LayerFits(info.Heads, tokens) || bytes + working > options.AttentionMemoryLimitBytes)
        {
            int fits = MaxTokensWithin(info, storage, options, options.AttentionMemoryLimitBytes);
            throw new AnalysisException(
                $"{tokens} tokens need about {Mib(bytes + working)} MiB: {Mib(bytes)} MiB for the per-head attention of {info.Layers} layers × {info.Heads} heads "
                + $"({(storage == AttentionStorage.Float16 ? "half precision" : "float32")}{(valueNorms ? " and the value norms' Grams" : "")}) and {Mib(working)} MiB for the analysis's graphs, more than the {Mib(options.AttentionMemoryLimitBytes)} MiB this analysis may use. "
                + $"About {fits} tokens fit. Analyse fewer tokens, use only rollout and flow with the mean head reduction (head means take {Mib(AttentionBytes(info, tokens, true, AttentionStorage.Float32, false))} MiB), "
                + "or raise the memory budget (--memory-budget-mb on the command line, attentionLens.memoryBudgetMb in the editor).",
                "methods");
        }
        return new AttentionPlan(false, storage, bytes, working);
    }

    /// <summary>
    /// Bytes an analysis's forward keeps for attention: head means L·T² float32 (and the float32 layer
    /// 4·H·T² the forward folds); float32 per head 4·L·H·T²; half precision 2·L·H·T² plus the float32
    /// layer (4·H·T²) the forward writes before rounding it; with value norms on a per-layer store,
    /// the one layer of value outputs the forward writes (4·H·T·C), the Grams (8·L·T·H²) and their
    /// norms (8·L·T², twice: result and per-layer matrices).
    /// </summary>
    public static long AttentionBytes(ModelInfo info, int tokens, bool headMean, AttentionStorage storage, bool valueNorms)
    {
        long L = info.Layers, H = info.Heads, T = tokens, C = info.HiddenSize;
        if (headMean) return 4 * L * T * T + 4 * H * T * T;
        long bytes = AttentionStore.BytesFor(L, H, T, storage) + (storage == AttentionStorage.Float16 ? 4 * H * T * T : 0);
        if (valueNorms) bytes += 4 * H * T * C + 8 * L * T * H * H + 2 * 8 * L * T * T;
        return bytes;
    }

    /// <summary>
    /// The analysis's other large buffers at <paramref name="tokens"/> tokens: the forward's hidden
    /// states 4·(L+1)·T·C, the graph Â (8·L·T², <see cref="LayeredAttention"/>), rollout's products
    /// (3·8·T²), and with flow one sink-sweep solver per core (its arc flows 8·L·T² and bit masks about
    /// 8·(L+1)²·T·⌈T/64⌉) plus Shapley's cold solver (the graph with a super sink 8·(L+1)·T², and per
    /// causal arc, about L·T²/2 of them, 20 bytes of lists and 8 of flow). The weights are the model's
    /// load estimate.
    /// </summary>
    public static long WorkingBytes(ModelInfo info, int tokens, bool flow)
    {
        long L = info.Layers, T = tokens, C = info.HiddenSize, nn = T * T, words = (T + 63) / 64;
        long bytes = 4 * (L + 1) * T * C + 8 * L * nn + 3 * 8 * nn;
        if (!flow) return bytes;
        long solver = 8 * L * nn + 8 * ((L + 1) * T + 1) * (L + 1) * words + 6 * 8 * (L + 1) * T * words;
        return bytes + Math.Max(1, Environment.ProcessorCount) * solver + 8 * (L + 1) * nn + 28 * L * nn / 2 + 4 * nn;
    }

    /// <summary>The most tokens whose L·H·T² per-head values stay within <paramref name="values"/>.</summary>
    private static int MaxTokensFor(ModelInfo info, long values) =>
        (int)Math.Floor(Math.Sqrt((double)values / ((long)info.Layers * info.Heads)));

    /// <summary>The most tokens whose attention and working bytes stay within <paramref name="limit"/> (and whose layer fits one array).</summary>
    private static int MaxTokensWithin(ModelInfo info, AttentionStorage storage, AnalysisOptions options, long limit)
    {
        bool valueNorms = options.Methods.Contains(AnalysisMethod.ValueNorms), flow = options.Methods.Contains(AnalysisMethod.Flow);
        int low = 0, high = 1 << 20;
        while (low < high)
        {
            int mid = (low + high + 1) / 2;
            if (AttentionStore.LayerFits(info.Heads, mid) && AttentionBytes(info, mid, false, storage, valueNorms) + WorkingBytes(info, mid, flow) <= limit) low = mid;
            else high = mid - 1;
        }
        return low;
    }

    private static long Mib(long bytes) => (bytes + (1 << 19)) >> 20;

    /// <summary>Methods that read attention only through the mean over all heads (or not at all).</summary>
    private static readonly HashSet<string> HeadMeanMethods = new(StringComparer.Ordinal) { "rollout", "flow", "attention", "logitLens", "faithfulness", "saliency", "inputXGradient", "integratedGradients" };

    /// <summary>Methods that read single heads through <see cref="MethodContext.PerHead"/> when the
    /// attention is not one float32 array (long inputs), beside the head-mean ones.</summary>
    private static readonly HashSet<string> PerLayerMethods = new(StringComparer.Ordinal) { "attention", "influence", "valueNorms" };

    /// <summary>True when mean reduction over every head serves all requested methods (influence,
    /// value norms, ALTI, GlobEnc, routes and value zeroing read single heads).</summary>
    private static bool NeedsOnlyHeadMeans(AnalysisOptions options) =>
        options.HeadReduction == HeadReduction.Mean && options.HeadSubset is null
        && options.Methods.All(m => HeadMeanMethods.Contains(m.Name));

    /// <summary>
    /// Runs the requested methods on a forward pass already made with <see cref="ForwardOptionsFor"/>
    /// (the server keeps it, so moving the target re-runs no model). Only faithfulness runs the model again.
    /// </summary>
    public static AnalysisResult AnalyzeForward(ITransformerModel model, ForwardInput input, ForwardResult forward, AnalysisOptions options, CancellationToken cancellationToken = default)
    {
        Validate(model, input, options);
        int T = input.Length;
        bool causal = model.Info.IsCausal;
        int target = options.Target ?? (causal ? T - 1 : 0);
        if (target < 0 || target >= T)
            throw new AnalysisException($"Target position {target} is out of range; it must be in 0..{T - 1}.", "target");
        var timings = new Dictionary<string, double>();
        var clock = Stopwatch.StartNew();
        // The prediction explained (PredictionTarget): a QA head's sits at its span's start (or end),
        // a decoder classifier's at the last attended token; analyse that row by default.
        var choice = options.Prediction ?? PredictionChoice.Predicted;
        PredictionSummary? prediction = null;
        if (HasHeadOutputs(forward))
        {
            var explained = PredictionTarget.Of(model.Info, forward, input, target, choice);
            if (options.Target is null && explained.Head is ModelHead.QuestionAnswering or ModelHead.SequenceClassification)
            {
                target = explained.Position;
                explained = PredictionTarget.Of(model.Info, forward, input, target, choice);
            }
            prediction = PredictionSummary.Of(model.Info, forward, input, explained, choice, options.TopK);
        }
        else if (choice.Contrast is not null)
        {
            throw new AnalysisException("contrast needs a model head (classifier or language model); this model is a bare body with no prediction to contrast.", "contrast");
        }
        bool headMean = forward.Heads == 1 && model.Info.Heads > 1;
        if (headMean && !NeedsOnlyHeadMeans(options))
            throw new AnalysisException("This forward pass kept only the mean over heads (ForwardOptions.HeadMeanAttention), but the requested methods or head reduction read single heads; run the forward with Analyzer.ForwardOptionsFor(options, model.Info, tokens).", "methods");
        if (forward.Tokens != T)
            throw new AnalysisException($"The model returned attention for {forward.Tokens} tokens but the input has {T}.");
        var reduction = new ReductionOptions(Map(options.HeadReduction), options.HeadSubset, options.Residual, causal);
        // Ordinary inputs: one float32 array, validated and reduced as always. Long inputs: attention kept
        // per layer (maybe in half precision) is reduced one head at a time.
        var flat = forward.AttentionStore.Flat;
        var shape = flat is not null
            ? AttentionShape.Create(forward.Layers, forward.Heads, forward.Tokens, "forward attentions")
            : AttentionShape.PerLayer(forward.Layers, forward.Heads, forward.Tokens, "forward attentions");
        var graph = flat is not null
            ? LayeredAttention.FromAttention<float>(flat, shape, reduction, "forward attentions")
            : LayeredAttention.FromHeads(new StoredHeadAttention(forward.AttentionStore), reduction);
        var context = new MethodContext(model, input, forward, shape, graph, reduction, options, target);
        cancellationToken.ThrowIfCancellationRequested();

        var scores = new Dictionary<string, double[]>(StringComparer.Ordinal);
        var byLayer = new Dictionary<string, Matrix>(StringComparer.Ordinal);
        var details = new Dictionary<string, object>(StringComparer.Ordinal);
        var unavailable = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var method in MethodRegistry.All)
        {
            // Rollout is always computed: every view starts from it.
            if (method is not RolloutMethod && !options.Methods.Contains(new AnalysisMethod(method.Name))) continue;
            if (method.Unsupported(context) is { } why)
            {
                unavailable[method.Name] = why;
                continue;
            }
            var output = method.Compute(context, cancellationToken);
            if (output.Scores is { } s)
            {
                if (s.Length != T)
                    throw new AnalysisException($"Method '{method.Name}' returned {s.Length} scores for {T} tokens.");
                scores[method.Name] = s;
            }
            if (output.ByLayer is { } rows) byLayer[method.Name] = rows;
            if (output.Detail is { } d) details[method.Name] = d;
            Lap(timings, method.Name, clock);
        }

        var rollout = (Matrix)details["rollout"];
        if (options.ReceptiveFieldNormalisation && causal)
        {
            // Scores and per-layer rows of every method share their arrays with the detail records
            // (flow's Normalised and ByLayer, influence's and value norms' Scores), so one pass covers both.
            for (int i = 0; i < T; i++) ReceptiveField.Normalise(rollout.Data.AsSpan(i * T, T), i);
            foreach (var (name, s) in scores)
                if (name != "rollout") ReceptiveField.Normalise(s, target);
            foreach (var (name, m) in byLayer)
                if (name is "rollout" or "flow")
                    for (int l = 0; l < m.Rows; l++) ReceptiveField.Normalise(m.Data.AsSpan(l * T, T), target);
            scores["rollout"] = rollout.Data.AsSpan(target * T, T).ToArray();
        }

        var result = new AnalysisResult
        {
            Layers = shape.Layers,
            Heads = headMean ? model.Info.Heads : shape.Heads,
            Tokens = T,
            Target = target,
            Rollout = rollout,
            RolloutByLayer = byLayer["rollout"],
            Scores = scores,
            ScoresByLayer = byLayer,
            Unavailable = unavailable,
            Attention = scores.GetValueOrDefault("attention"),
            Flow = details.GetValueOrDefault("flow") as FlowScores,
            Influence = details.GetValueOrDefault("influence") as InfluenceScores,
            ValueNorms = details.GetValueOrDefault("valueNorms") as ValueNormScores,
            GlobEnc = details.GetValueOrDefault("globenc") as GlobEncScores,
            LogitLens = details.GetValueOrDefault("logitLens") as LogitLensResult,
            Routes = details.GetValueOrDefault("routes") as RouteGraph,
            Gradients = details.Where(d => d.Value is GradientDetail).ToDictionary(d => d.Key, d => (GradientDetail)d.Value),
            Forward = forward,
            Prediction = prediction,
            TimingsMs = timings,
        };
        if (options.Methods.Contains(AnalysisMethod.Faithfulness))
        {
            cancellationToken.ThrowIfCancellationRequested();
            result = result with { Faithfulness = Faithfulness.Measure(model, input, target, scores, cancellationToken, choice) };
            Lap(timings, "faithfulness", clock);
        }
        return result;
    }

    private static void Validate(ITransformerModel model, ForwardInput input, AnalysisOptions options)
    {
        int T = input.Length;
        if (T == 0)
            throw new AnalysisException("The input has no tokens; give the analysis some text.", "input");
        if (T > options.MaxTokens)
            throw new AnalysisException($"The input has {T} tokens but at most {options.MaxTokens} are analysed (AnalysisOptions.MaxTokens); shorten the text or raise the limit.", "input");
        foreach (var m in options.Methods)
            if (m != AnalysisMethod.Faithfulness) MethodRegistry.Get(m).CheckOptions(options);
    }

    private static bool HasHeadOutputs(ForwardResult f) =>
        f.Logits is not null || f.ClassifierLogits is { Length: > 0 } || f.TokenClassifierLogits is not null || (f.StartLogits is not null && f.EndLogits is not null);

    private static HeadAggregate Map(HeadReduction reduction) => reduction switch
    {
        HeadReduction.Max => HeadAggregate.Max,
        HeadReduction.Min => HeadAggregate.Min,
        HeadReduction.Sum => HeadAggregate.Sum,
        _ => HeadAggregate.Mean,
    };

    private static void Lap(Dictionary<string, double> timings, string stage, Stopwatch clock)
    {
        timings[stage] = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
    }
}
