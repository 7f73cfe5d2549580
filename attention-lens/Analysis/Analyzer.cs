using System.Diagnostics;
using AttentionLens.Flow;
using AttentionLens.Models;

namespace AttentionLens.Analysis;

/// <summary>
/// Where models and flow meet: runs the forward pass and every requested method for one target.
/// </summary>
public static class Analyzer
{
    /// <summary>
    /// Runs <paramref name="model"/> on <paramref name="input"/> and analyses its attention. The target
    /// defaults to the first token for encoders (the classification token) and the last for causal
    /// decoders (the position whose next-token prediction is explained). Cancellation is checked
    /// between stages and at least once per layer inside them.
    /// </summary>
    public static AnalysisResult Analyze(ITransformerModel model, ForwardInput input, AnalysisOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        int T = input.Length;
        if (T == 0)
            throw new AnalysisException("The input has no tokens; give the analysis some text.", "input");
        if (T > options.MaxTokens)
            throw new AnalysisException($"The input has {T} tokens but at most {options.MaxTokens} are analysed (AnalysisOptions.MaxTokens); shorten the text or raise the limit.", "input");
        bool causal = model.Info.IsCausal;
        int target = options.Target ?? (causal ? T - 1 : 0);
        if (target < 0 || target >= T)
            throw new AnalysisException($"Target position {target} is out of range; it must be in 0..{T - 1}.", "target");
        var methods = options.Methods;
        if (methods.Contains(AnalysisMethod.Influence) && !(options.Tau > 0 && options.Tau <= 1 && options.Alpha > 0 && options.Alpha <= 1))
            throw new AnalysisException($"Influence needs 0 < τ ≤ 1 and 0 < α ≤ 1 (AnalysisOptions.Tau = {options.Tau}, Alpha = {options.Alpha}).", "options");
        var timings = new Dictionary<string, double>();
        var clock = Stopwatch.StartNew();

        bool headMean = options.HeadReduction == HeadReduction.Mean && options.HeadSubset is null
            && !methods.Contains(AnalysisMethod.Influence) && !methods.Contains(AnalysisMethod.ValueNorms)
            && 4L * model.Info.Layers * model.Info.Heads * T * T > options.PerHeadAttentionLimitBytes;
        var forward = model.Forward(input, new ForwardOptions
        {
            CaptureValueOutputs = methods.Contains(AnalysisMethod.ValueNorms),
            ComputeLogits = false,
            HeadMeanAttention = headMean,
        }, cancellationToken);
        Lap(timings, "forward", clock);
        var shape = AttentionShape.Create(forward.Layers, forward.Heads, forward.Tokens, "forward attentions");
        if (forward.Tokens != T)
            throw new AnalysisException($"The model returned attention for {forward.Tokens} tokens but the input has {T}.");
        var reduction = new ReductionOptions(Map(options.HeadReduction), options.HeadSubset, options.Residual, causal);
        var graph = LayeredAttention.FromAttention<float>(forward.Attentions, shape, reduction, "forward attentions");
        cancellationToken.ThrowIfCancellationRequested();

        int L = shape.Layers, nn = T * T;
        var rolloutByLayer = new double[L * T];
        var rollout = Rollout.Final(graph, target, rolloutByLayer, cancellationToken);
        Lap(timings, "rollout", clock);

        double[]? attention = null;
        if (methods.Contains(AnalysisMethod.Attention))
        {
            var last = new double[nn];
            HeadReducer.Reduce<float>(forward.Attentions, shape, L - 1, reduction.Aggregate, options.HeadSubset, last);
            attention = last.AsSpan(target * T, T).ToArray();
            Lap(timings, "attention", clock);
        }

        FlowScores? flow = null;
        if (methods.Contains(AnalysisMethod.Flow))
        {
            flow = ComputeFlow(graph, target, cancellationToken);
            Lap(timings, "flow", clock);
        }

        InfluenceScores? influence = null;
        if (methods.Contains(AnalysisMethod.Influence))
        {
            var traced = TracedGraph.Compute<float>(forward.Attentions, shape, target, options.Tau, options.Alpha, cancellationToken);
            influence = new InfluenceScores(
                traced.Scores(T),
                new Matrix(L, T, traced.Influence),
                new Matrix(L, T, traced.Counts),
                traced.Edges.Select(e => new TracedEdge(e.Layer, e.Head, e.From, e.To, e.Weight)).ToArray());
            Lap(timings, "influence", clock);
        }

        ValueNormScores? valueNorms = null;
        if (methods.Contains(AnalysisMethod.ValueNorms))
        {
            valueNorms = ComputeValueNorms(forward, shape, target, cancellationToken);
            Lap(timings, "valueNorms", clock);
        }

        if (options.ReceptiveFieldNormalisation && causal)
        {
            for (int i = 0; i < T; i++) ReceptiveField.Normalise(rollout.AsSpan(i * T, T), i);
            for (int l = 0; l < L; l++) ReceptiveField.Normalise(rolloutByLayer.AsSpan(l * T, T), target);
            if (attention is not null) ReceptiveField.Normalise(attention, target);
            if (flow is not null)
            {
                ReceptiveField.Normalise(flow.Normalised, target);
                for (int l = 0; l < L; l++) ReceptiveField.Normalise(flow.ByLayer.Data.AsSpan(l * T, T), target);
            }
            if (influence is not null) ReceptiveField.Normalise(influence.Scores, target);
            if (valueNorms is not null) ReceptiveField.Normalise(valueNorms.Scores, target);
        }

        var result = new AnalysisResult
        {
            Layers = L,
            Heads = headMean ? model.Info.Heads : shape.Heads,
            Tokens = T,
            Target = target,
            Rollout = new Matrix(T, T, rollout),
            RolloutByLayer = new Matrix(L, T, rolloutByLayer),
            Attention = attention,
            Flow = flow,
            Influence = influence,
            ValueNorms = valueNorms,
            TimingsMs = timings,
        };
        if (methods.Contains(AnalysisMethod.Faithfulness))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (drops, description) = Occlusion.Compute(model, input, target, cancellationToken);
            var rho = new Dictionary<AnalysisMethod, double>();
            foreach (var method in new[] { AnalysisMethod.Attention, AnalysisMethod.Rollout, AnalysisMethod.Flow, AnalysisMethod.Influence, AnalysisMethod.ValueNorms })
            {
                var scores = result.ScoresFor(method);
                if (scores is null) continue;
                // A constant score vector has no ranking; ρ is undefined and the method is left out.
                double r = Spearman.Rho(scores, drops);
                if (!double.IsNaN(r)) rho[method] = r;
            }
            Lap(timings, "faithfulness", clock);
            result = result with { Faithfulness = new FaithfulnessScores(drops, description, rho) };
        }
        return result;
    }

    private static FlowScores ComputeFlow(LayeredAttention graph, int target, CancellationToken cancellationToken)
    {
        int L = graph.Layers, T = graph.Tokens;
        var byLayer = AttentionFlow.RawByLayer(graph, target, cancellationToken);
        var raw = byLayer.AsSpan((L - 1) * T, T).ToArray();
        var normalised = raw.ToArray();
        AttentionFlow.NormaliseRows(normalised, T);
        AttentionFlow.NormaliseRows(byLayer, T);
        cancellationToken.ThrowIfCancellationRequested();
        var shapley = ShapleyFlow.Compute(graph, target);
        return new FlowScores(raw, normalised, new Matrix(L, T, byLayer), shapley.Values) { ShapleyTotal = shapley.Total };
    }

    private static ValueNormScores ComputeValueNorms(ForwardResult forward, AttentionShape shape, int target, CancellationToken cancellationToken)
    {
        if (forward.ValueOutputs is null)
            throw new AnalysisException("The model returned no value outputs (ForwardResult.ValueOutputs), which value-weighted norms need; this architecture does not support them yet.");
        int L = shape.Layers, T = shape.Tokens, nn = T * T;
        var v = ValueWeightedAttention.Compute<float>(forward.Attentions, forward.ValueOutputs, shape, forward.Hidden, cancellationToken);
        var norms = new Matrix[L];
        for (int l = 0; l < L; l++) norms[l] = new Matrix(T, T, v.Norms.AsSpan(l * nn, nn).ToArray());
        var scores = v.Norms.AsSpan((L - 1) * nn + target * T, T).ToArray();
        AttentionFlow.NormaliseRows(scores, T);
        int H = shape.Heads;
        var weighted = new double[L * H * T];
        for (int l = 0; l < L; l++)
            ValueWeightedAttention.WeightedHeadNorms<float>(forward.Attentions, v.HeadValueNorms, shape, l, target, weighted.AsSpan(l * H * T, H * T));
        return new ValueNormScores(norms, new Matrix(L * H, T, v.HeadValueNorms), new Matrix(L, T, v.Received), new Matrix(L, T, v.Emitted), scores)
        {
            TargetWeightedHeadNorms = new Matrix(L * H, T, weighted),
        };
    }

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
