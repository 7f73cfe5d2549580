using AttentionLens.Models;

namespace AttentionLens.Tests.Analysis.Methods;

/// <summary>
/// A test double with a backward pass known in closed form, for the gradient methods' math only (the
/// real models' gradients are checked against PyTorch autograd elsewhere). Word embeddings e_j = E[id_j]
/// (C = 3); attention A[l,h] fixed row-stochastic matrices that do not depend on the input (causal in
/// LM mode); per position i the scalar s_i = Σ_{l,h} c_lh Σ_j A[l,h][i, j] (w · e_j); the head's two
/// outputs z = [exp(s), −s/2] — classifier logits from s_0 (classifier mode) or LM logits of every row.
/// Then ∂s_i/∂e_j = (Σ_{l,h} c_lh A[l,h][i, j]) w and ∂s_i/∂A[l,h][i, j] = c_lh (w · e_j).
/// </summary>
public sealed class AnalyticGradientModel(bool lm = false, int layers = 2, int heads = 2) : IDifferentiableModel
{
    public const int Hidden = 3, Vocab = 8;
    public static readonly double[] W = [0.7, -0.4, 0.25];

    public ModelInfo Info { get; } = new(lm ? "analytic-lm" : "analytic-classifier", "Analytic", layers, heads, heads, Hidden, 1, lm ? 2 : Vocab, 0, lm, lm, lm ? 0 : 2, 64)
    {
        Head = lm ? ModelHead.CausalLM : ModelHead.SequenceClassification,
        Labels = lm ? [] : ["POS", "NEG"],
    };

    public List<GradientTarget> Targets { get; } = [];
    public int GradientCalls { get; private set; }

    /// <summary>E[id][c].</summary>
    public static double Embedding(int id, int c) => Math.Sin(1.3 * id + 0.9 * c + 0.2) * 0.8;

    /// <summary>c_lh: some negative, so the positive part of Chefer's rule matters.</summary>
    public static double HeadWeight(int l, int h) => (l * 2 + h) % 3 == 1 ? -0.6 : 0.5 + 0.1 * l;

    /// <summary>A[l,h][i, j]: softmax over the visible keys of a fixed pattern.</summary>
    public double Attention(int l, int h, int i, int j, int tokens)
    {
        if (lm && j > i) return 0;
        int last = lm ? i : tokens - 1;
        double sum = 0;
        for (int k = 0; k <= last; k++) sum += Math.Exp(Math.Cos(1.7 * k + 0.6 * i + l + 0.5 * h));
        return Math.Exp(Math.Cos(1.7 * j + 0.6 * i + l + 0.5 * h)) / sum;
    }

    public float[] Embeddings(int[] ids)
    {
        var e = new float[ids.Length * Hidden];
        for (int i = 0; i < ids.Length; i++)
            for (int c = 0; c < Hidden; c++) e[i * Hidden + c] = (float)Embedding(ids[i], c);
        return e;
    }

    /// <summary>Σ_{l,h} c_lh A[l,h][i, j].</summary>
    public double K(int i, int j, int tokens)
    {
        double k = 0;
        for (int l = 0; l < layers; l++)
            for (int h = 0; h < heads; h++) k += HeadWeight(l, h) * Attention(l, h, i, j, tokens);
        return k;
    }

    public static double Project(ReadOnlySpan<float> e, int j)
    {
        double v = 0;
        for (int c = 0; c < Hidden; c++) v += W[c] * e[j * Hidden + c];
        return v;
    }

    public double S(ReadOnlySpan<float> e, int i, int tokens)
    {
        double s = 0;
        for (int j = 0; j < tokens; j++) s += K(i, j, tokens) * Project(e, j);
        return s;
    }

    public ForwardResult Forward(ForwardInput input, ForwardOptions? options = null, CancellationToken cancellationToken = default) =>
        Run(input, Embeddings(input.InputIds));

    private ForwardResult Run(ForwardInput input, float[] e)
    {
        int T = input.Length;
        var att = new float[layers * heads * T * T];
        for (int l = 0; l < layers; l++)
            for (int h = 0; h < heads; h++)
                for (int i = 0; i < T; i++)
                    for (int j = 0; j < T; j++) att[((l * heads + h) * T + i) * T + j] = (float)Attention(l, h, i, j, T);
        var logits = new float[T * 2];
        for (int i = 0; i < T; i++)
        {
            double s = S(e, i, T);
            logits[i * 2] = (float)Math.Exp(s);
            logits[i * 2 + 1] = (float)(-s / 2);
        }
        return new ForwardResult
        {
            Layers = layers, Heads = heads, Tokens = T, Hidden = Hidden, Attentions = att,
            HiddenStates = new float[(layers + 1) * T * Hidden],
            Logits = lm ? logits : null,
            ClassifierLogits = lm ? null : [logits[0], logits[1]],
        };
    }

    public GradientResult Gradient(ForwardInput input, GradientTarget target, GradientOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= GradientOptions.Default;
        GradientCalls++;
        Targets.Add(target);
        int T = input.Length;
        var e = options.InputsEmbeds ?? Embeddings(input.InputIds);
        int i = lm ? target.Position : 0;
        double s = S(e, i, T);
        double[] z = [Math.Exp(s), -s / 2];
        double[] dzds = [Math.Exp(s), -0.5];
        // dy/dz: one-hot, minus the contrast's one-hot, or (log-probability) one-hot − softmax.
        var dydz = new double[2];
        dydz[target.Index] = 1;
        double y = z[target.Index];
        if (target.ContrastIndex is int b) { dydz[b] -= 1; y -= z[b]; }
        else if (target.LogProbability)
        {
            double max = Math.Max(z[0], z[1]), lse = max + Math.Log(Math.Exp(z[0] - max) + Math.Exp(z[1] - max));
            y = z[target.Index] - lse;
            for (int k = 0; k < 2; k++) dydz[k] -= Math.Exp(z[k] - lse);
        }
        double dyds = dydz[0] * dzds[0] + dydz[1] * dzds[1];
        var grad = new float[T * Hidden];
        for (int j = 0; j < T; j++)
            for (int c = 0; c < Hidden; c++) grad[j * Hidden + c] = (float)(dyds * K(i, j, T) * W[c]);
        float[]? att = null, dAtt = null;
        if (options.AttentionGradients)
        {
            att = Run(input, e).Attentions;
            dAtt = new float[att.Length];
            for (int l = 0; l < layers; l++)
                for (int h = 0; h < heads; h++)
                    for (int j = 0; j < T; j++) dAtt[((l * heads + h) * T + i) * T + j] = (float)(dyds * HeadWeight(l, h) * Project(e, j));
        }
        return new GradientResult
        {
            Layers = layers, Heads = heads, Tokens = T, Hidden = Hidden, Value = (float)y,
            InputsEmbeds = e, GradInputsEmbeds = grad, Attentions = att, GradAttentions = dAtt,
        };
    }

    /// <summary>dy/ds for y = z_k (− z_b): exp(s) or −½ per output.</summary>
    public static double DyDs(double s, int index, int? contrast)
    {
        double[] d = [Math.Exp(s), -0.5];
        return d[index] - (contrast is int b ? d[b] : 0);
    }
}
