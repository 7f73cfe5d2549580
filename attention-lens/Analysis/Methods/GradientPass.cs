using AttentionLens.Models;

namespace AttentionLens.Analysis;

/// <summary>
/// The backward pass of one analysis's prediction at its own input, run once on first use and shared
/// by saliency, input × gradient, attention × gradient and gradient-weighted rollout (integrated
/// gradients runs its own path). Asks for ∂y/∂A only when a requested method reads it.
/// </summary>
public sealed class GradientPass
{
    private readonly Lock gate = new();
    private (GradientResult Result, PredictionTarget Prediction)? done;

    public (GradientResult Result, PredictionTarget Prediction) Get(MethodContext c, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (done is { } d) return d;
            var model = (IDifferentiableModel)c.Model;
            var prediction = GradientTargets.Prediction(c);
            var options = new GradientOptions { AttentionGradients = GradientTargets.WantsAttentionGradients(c.Options) };
            var result = model.Gradient(c.Input, GradientTargets.Of(prediction), options, cancellationToken);
            if (result.Tokens != c.Tokens || result.GradInputsEmbeds.Length != result.InputsEmbeds.Length || result.InputsEmbeds.Length % c.Tokens != 0)
                throw new AnalysisException($"The backward pass returned {result.GradInputsEmbeds.Length} embedding gradients for {result.Tokens} tokens but the input has {c.Tokens} tokens.");
            done = (result, prediction);
            return done.Value;
        }
    }

    /// <summary>
    /// The pass with the two tensors attention × gradient and gradient-weighted rollout multiply, A and ∂y/∂A
    /// (L, H, T, T). Both are present whenever a requested method needs <see cref="MethodNeeds.AttentionGradients"/>
    /// (<see cref="GradientTargets.WantsAttentionGradients"/>); their absence is a model that ignored the request.
    /// </summary>
    public (GradientResult Result, PredictionTarget Prediction, float[] Attentions, float[] GradAttentions) GetWithAttentions(MethodContext c,
        CancellationToken cancellationToken)
    {
        var (g, prediction) = Get(c, cancellationToken);
        var a = g.Attentions ?? throw new AnalysisException("The backward pass returned no attention probabilities although attention gradients were asked for.");
        var da = g.GradAttentions ?? throw new AnalysisException("The backward pass returned no attention gradients although they were asked for.");
        return (g, prediction, a, da);
    }
}
