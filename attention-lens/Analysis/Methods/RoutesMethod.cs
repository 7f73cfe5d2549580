using AttentionLens.Models;

namespace AttentionLens.Analysis;

/// <summary>
/// Information-flow routes (Ferrando &amp; Voita 2024; docs/methods.md#routes), as the authors' LLM
/// Transparency Tool computes them: per layer, the residual state after attention is split into
/// one part per (source token, head) — A[h][i, j]·f_h(x_j) — plus the residual; each part's
/// contribution is ALTI's proximity max(ε, ‖y‖₁ − ‖y − part‖₁), normalised over the parts; the FFN
/// block likewise splits the layer output into FFN output and residual (a parallel block's too: its
/// FFN output is added to x + attention all the same). Where a norm follows the attention (Gemma 2,
/// OLMo 2) each part is carried through it with the real output's statistics fixed
/// (<see cref="ResidualStream.AttentionGains"/>). The graph over residual
/// states is then pruned to the edges above τ reachable backwards from the target's output state
/// (the library's build_full_graph + build_paths_to_predictions; the tool's optional renormalisation
/// after thresholding is not applied, see docs/methods.md#routes). Detail only: it scores no tokens.
/// </summary>
public sealed class RoutesMethod : IAttributionMethod
{
    /// <summary>The contribution floor of the authors' code (contributions.py, EPS).</summary>
    private const double Floor = 1e-5;

    public string Name => "routes";
    public string Label => "information-flow routes";
    public MethodNeeds Needs => MethodNeeds.ValueOutputs | MethodNeeds.ResidualStream;
    public bool ScoresTokens => false;

    public string? Unsupported(MethodContext context) =>
        context.Forward.ResidualStream is null || context.Forward.ValueOutputs is null
            ? $"Information-flow routes need the residual stream around each block, which the decoders supply (not post-norm OPT, whose layers normalise the stream itself, nor the encoders, whose post-norm layers do the same); {context.Model.Info.Architecture} does not."
            : null;

    public void CheckOptions(AnalysisOptions options)
    {
        if (!(options.RoutesThreshold >= 0 && options.RoutesThreshold < 1))
            throw new AnalysisException($"Routes need 0 ≤ τ < 1 (AnalysisOptions.RoutesThreshold = {options.RoutesThreshold}).", "options");
    }

    public MethodOutput Compute(MethodContext c, CancellationToken cancellationToken)
    {
        var f = c.Forward;
        var stream = f.ResidualStream!;
        int L = c.Layers, T = c.Tokens, H = c.Heads, C = f.Hidden;
        double tau = c.Options.RoutesThreshold;
        // Incoming edges per node, weights summed where the authors' graph merges two edges (a
        // position's own attention edge and its residual edge join the same pair of nodes).
        var incoming = new Dictionary<RouteNode, Dictionary<RouteNode, double>>();
        void Add(RouteNode from, RouteNode to, double w)
        {
            if (!incoming.TryGetValue(to, out var edges)) incoming[to] = edges = new Dictionary<RouteNode, double>();
            edges[from] = edges.GetValueOrDefault(from) + w;
        }
        var parts = new double[T * H + 1];
        var part = new double[C];
        for (int l = 0; l < L; l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var attention = f.LayerAttention(l);
            var pre = f.HiddenStates.AsSpan(l * T * C, T * C);
            var mid = stream.Mid(l);
            var post = stream.Post(l);
            // Gemma 2, OLMo 2: each part passes the post-attention RMSNorm with the real output's statistics.
            var gains = stream.AttentionGains is null ? default : stream.AttentionGain(l);
            for (int i = 0; i < T; i++)
            {
                var whole = mid.Slice(i * C, C);
                double wholeNorm = L1(whole);
                for (int j = 0; j < T; j++)
                    for (int h = 0; h < H; h++)
                    {
                        double a = attention[(h * T + i) * T + j];
                        var fx = f.ValueOutputs!.AsSpan(((l * H + h) * T + j) * C, C);
                        if (gains.IsEmpty) for (int k = 0; k < C; k++) part[k] = a * fx[k];
                        else for (int k = 0; k < C; k++) part[k] = a * fx[k] * gains[i * C + k];
                        parts[j * H + h] = Proximity(part, whole, wholeNorm);
                    }
                parts[T * H] = Proximity(pre.Slice(i * C, C), whole, wholeNorm);
                Normalise(parts);
                var to = new RouteNode(RouteNodeKind.AfterAttention, l, i);
                for (int j = 0; j < T; j++)
                {
                    double w = 0;
                    for (int h = 0; h < H; h++) w += parts[j * H + h];
                    Add(Source(l, j), to, w);
                }
                Add(Source(l, i), to, parts[T * H]);

                // FFN block: the layer output is FFN output + residual.
                var output = post.Slice(i * C, C);
                double outNorm = L1(output);
                var ffn = new double[C];
                for (int k = 0; k < C; k++) ffn[k] = (double)output[k] - whole[k];
                var two = new[] { Proximity(ffn, output, outNorm), Proximity(whole, output, outNorm) };
                Normalise(two);
                var m = new RouteNode(RouteNodeKind.Ffn, l, i);
                var after = new RouteNode(RouteNodeKind.AfterFfn, l, i);
                Add(to, m, two[0]);
                Add(m, after, two[0]);
                Add(to, after, two[1]);
            }
        }

        // Prune: every edge above τ reachable backwards from the target's output state.
        var edges = new List<RouteEdge>();
        var seen = new HashSet<RouteNode>();
        var queue = new Queue<RouteNode>();
        var start = new RouteNode(RouteNodeKind.AfterFfn, L - 1, c.Target);
        queue.Enqueue(start);
        seen.Add(start);
        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            if (!incoming.TryGetValue(node, out var into)) continue;
            foreach (var (from, w) in into)
            {
                if (!(w > tau)) continue;
                edges.Add(new RouteEdge(from, node, w));
                if (seen.Add(from)) queue.Enqueue(from);
            }
        }
        return new MethodOutput(null, null, new RouteGraph(tau, edges));
    }

    private static RouteNode Source(int layer, int position) =>
        layer == 0 ? new RouteNode(RouteNodeKind.Token, 0, position) : new RouteNode(RouteNodeKind.AfterFfn, layer - 1, position);

    private static double L1(ReadOnlySpan<float> v)
    {
        double s = 0;
        foreach (var x in v) s += Math.Abs(x);
        return s;
    }

    /// <summary>max(ε, ‖whole‖₁ − ‖part − whole‖₁): how much nearer the whole a part is than zero.</summary>
    private static double Proximity(ReadOnlySpan<double> part, ReadOnlySpan<float> whole, double wholeNorm)
    {
        double d = 0;
        for (int k = 0; k < part.Length; k++) d += Math.Abs(part[k] - whole[k]);
        return Math.Max(Floor, wholeNorm - d);
    }

    private static double Proximity(ReadOnlySpan<float> part, ReadOnlySpan<float> whole, double wholeNorm)
    {
        double d = 0;
        for (int k = 0; k < part.Length; k++) d += Math.Abs((double)part[k] - whole[k]);
        return Math.Max(Floor, wholeNorm - d);
    }

    private static void Normalise(double[] v)
    {
        double s = v.Sum();
        for (int k = 0; k < v.Length; k++) v[k] /= s;
    }
}
