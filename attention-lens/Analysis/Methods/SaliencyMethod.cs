namespace AttentionLens.Analysis;

/// <summary>
/// Gradient saliency (Simonyan, Vedaldi &amp; Zisserman 2014, eq. 2; for text Li et al. 2016; docs/methods.md#saliency):
/// score_i = ‖∂y/∂e_i‖₂, the Euclidean norm over the hidden dimension of the gradient of the explained
/// prediction y with respect to token i's word embedding e_i. One forward and backward pass.
/// </summary>
public sealed class SaliencyMethod : IAttributionMethod
{
    public string Name => "saliency";
    public string Label => "saliency ‖∂y/∂e‖";
    public MethodNeeds Needs => MethodNeeds.Gradients;
    public string? Unsupported(MethodContext context) => GradientTargets.Unsupported(context);

    public MethodOutput Compute(MethodContext c, CancellationToken cancellationToken)
    {
        var (g, prediction) = c.Gradients.Get(c, cancellationToken);
        int T = g.Tokens, C = GradientTargets.EmbeddingWidth(g);
        var scores = new double[T];
        for (int i = 0; i < T; i++)
        {
            double s = 0;
            foreach (var v in g.GradInputsEmbeds.AsSpan(i * C, C)) s += (double)v * v;
            scores[i] = Math.Sqrt(s);
        }
        return new MethodOutput(scores, Detail: new GradientDetail(prediction.Description, g.Value));
    }
}
