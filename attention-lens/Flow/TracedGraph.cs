using System.Numerics;

namespace AttentionLens.Flow;

/// <summary>
/// Traced attention graphs and token influence (docs/methods.md §6; our operationalisation of DeRose,
/// Wang and Berger, "Attention Flows", VIS 2020, whose exact formula is not available to us):
/// <list type="bullet">
/// <item>edge (l, i) → (l−1, j) in head h iff A[l,h][i, j] ≥ τ;</item>
/// <item>S_L = {t}, S_{l−1} = { j : ∃ i ∈ S_l, ∃ h: A[l,h][i, j] ≥ τ };</item>
/// <item>c_l(w) = Σ_h Σ_{i ∈ S_l} [A[l,h][i, w] ≥ τ];</item>
/// <item>I_l(w) = Σ_{l' = l..L} α^(L − l') · c_{l'}(w), 0 &lt; α ≤ 1.</item>
/// </list>
/// </summary>
public static class TracedGraph
{
    public static TracedGraphResult Compute<T>(ReadOnlySpan<T> attention, AttentionShape shape, int target, double tau, double alpha, CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (attention.Length != shape.Elements)
            throw new InvalidAttentionException($"attention: expected {shape.Elements} values for [{shape.Layers}, {shape.Heads}, {shape.Tokens}, {shape.Tokens}] but got {attention.Length}.");
        shape.CheckTarget(target);
        if (!(tau > 0 && tau <= 1))
            throw new InvalidAttentionException($"threshold τ = {tau} must be in (0, 1]; attention below it is not traced.", "tau");
        if (!(alpha > 0 && alpha <= 1))
            throw new InvalidAttentionException($"decay α = {alpha} must be in (0, 1].", "alpha");
        int L = shape.Layers, H = shape.Heads, n = shape.Tokens;
        var counts = new double[L * n];
        var influence = new double[L * n];
        var traced = new int[L + 1][];
        var edges = new List<AttentionEdge>();
        var current = new bool[n];
        current[target] = true;
        traced[L] = [target];
        var next = new bool[n];
        for (int l = L; l >= 1; l--)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Array.Clear(next);
            var c = counts.AsSpan((l - 1) * n, n);
            for (int h = 0; h < H; h++)
            {
                var block = attention.Slice(shape.BlockOffset(l - 1, h), n * n);
                for (int i = 0; i < n; i++)
                {
                    if (!current[i]) continue;
                    for (int j = 0; j < n; j++)
                    {
                        double a = double.CreateTruncating(block[i * n + j]);
                        if (a < tau) continue;
                        edges.Add(new AttentionEdge(l, h, i, j, a));
                        c[j] += 1;
                        next[j] = true;
                    }
                }
            }
            traced[l - 1] = Enumerable.Range(0, n).Where(j => next[j]).ToArray();
            (current, next) = (next, current);
        }
        // I_l = c_l + α^(L−l)… accumulated from the top: I_L = c_L, I_l = I_{l+1} + α^(L−l) c_l.
        for (int l = L; l >= 1; l--)
        {
            double weight = Math.Pow(alpha, L - l);
            for (int w = 0; w < n; w++)
            {
                double above = l < L ? influence[l * n + w] : 0;
                influence[(l - 1) * n + w] = above + weight * counts[(l - 1) * n + w];
            }
        }
        return new TracedGraphResult(counts, influence, traced, edges);
    }
}
