namespace AttentionLens.Analysis;

/// <summary>Spearman's rank correlation ρ: Pearson's correlation of the ranks, with tied values
/// given the average of the ranks they span (the textbook and scipy.stats.spearmanr convention).</summary>
public static class Spearman
{
    /// <summary>ρ in [−1, 1], or NaN when either side is constant (no ranking to correlate).</summary>
    public static double Rho(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (x.Length != y.Length)
            throw new AnalysisException($"Spearman ρ needs two score vectors of equal length, got {x.Length} and {y.Length}.");
        if (x.Length < 2) return double.NaN;
        var rx = Ranks(x);
        var ry = Ranks(y);
        double mx = rx.Average(), my = ry.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < rx.Length; i++)
        {
            double dx = rx[i] - mx, dy = ry[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        if (sxx == 0 || syy == 0) return double.NaN;
        return Math.Clamp(sxy / Math.Sqrt(sxx * syy), -1, 1);
    }

    /// <summary>1-based ranks with ties averaged.</summary>
    public static double[] Ranks(ReadOnlySpan<double> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (double.IsNaN(values[i]))
                throw new AnalysisException($"score {i} is NaN; Spearman ρ needs ordered values.");
        }
        var order = Enumerable.Range(0, values.Length).ToArray();
        var copy = values.ToArray();
        Array.Sort(order, (a, b) => copy[a].CompareTo(copy[b]));
        var ranks = new double[values.Length];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && copy[order[end + 1]] == copy[order[start]]) end++;
            double rank = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++) ranks[order[k]] = rank;
            start = end + 1;
        }
        return ranks;
    }
}
