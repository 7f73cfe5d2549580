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
        var forwardOptions = ForwardOptionsFor(options, model.Info, input.Length);
        if (TargetRowOnly(model.Info, options))
        {
            // This pass serves this one analysis: the LM head and the last layer's MLP run on the
            // target's row alone (the 1B Llama: a 128k-word head over 128 rows is a fifth of its forward).
            int target = options.Target ?? input.Length - 1;
            if ((uint)target < (uint)input.Length)
                forwardOptions = forwardOptions with { LogitRows = [target], LastLayerLogitRowsOnly = true };
        }
        var forward = model.Forward(input, forwardOptions, cancellationToken);
        double ms = clock.Elapsed.TotalMilliseconds;
        var result = AnalyzeForward(model, input, forward, options, cancellationToken);
        var timings = new Dictionary<string, double>(result.TimingsMs) { ["forward"] = ms };
        return result with { TimingsMs = timings };
    }

    /// <summary>
    /// The forward options that capture what every requested method needs. Given the model and the
    /// input length, per-head attention (L·H·T² values) is kept as <see cref="AttentionPlan.For"/> decides:
    /// float32 in one array up to <see cref="AnalysisOptions.PerHeadAttentionLimitBytes"/>; above it head
    /// means alone when every requested method reads only those, else half precision per layer with the
    /// value outputs reduced to their Grams, while that fits <see cref="AnalysisOptions.AttentionMemoryLimitBytes"/>;
    /// otherwise the analysis is refused here, before the model runs, saying what fits.
    /// </summary>
    public static ForwardOptions ForwardOptionsFor(AnalysisOptions options, ModelInfo? info = null, int tokens = 0)
    {
        var plan = AttentionPlan.For(options, info, tokens);
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

    /// <summary>
    /// Whether the one-shot <see cref="Analyze"/> of a causal LM may compute the logits, and the last
    /// layer's output, at the target row alone (<see cref="ForwardOptions.LogitRows"/>,
    /// <see cref="ForwardOptions.LastLayerLogitRowsOnly"/>): the prediction, its summary and the logit
    /// lens read that row, the other methods read attentions, value outputs, hidden states before
    /// the last layer's output, or run passes of their own. Value zeroing compares every layer's
    /// output at every row, the final one included, so it keeps the full pass (as does the residual
    /// stream, which the model honours by itself). A pass kept for later targets
    /// (<see cref="AnalyzeForward"/>) is made by its caller with every row.
    /// </summary>
    public static bool TargetRowOnly(ModelInfo info, AnalysisOptions options) =>
        info.IsCausal && info.HasLmHead && info.Head == ModelHead.CausalLM
        && !options.Methods.Contains(new AnalysisMethod("valueZeroing"));

    /// <summary>Methods that read attention only through the mean over all heads (or not at all).</summary>
    internal static readonly HashSet<string> HeadMeanMethods = new(StringComparer.Ordinal) { "rollout", "flow", "attention", "logitLens", "faithfulness", "saliency", "inputXGradient", "integratedGradients" };

    /// <summary>True when mean reduction over every head serves all requested methods (influence,
    /// value norms, ALTI, GlobEnc, routes and value zeroing read single heads).</summary>
    internal static bool NeedsOnlyHeadMeans(AnalysisOptions options) =>
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
