namespace AttentionLens.Models.DebertaV2;

/// <summary>
/// modeling_deberta_v2.py build_relative_position and make_log_bucket_position: δ(i, j) = i − j, and
/// with position_buckets b > 0 (DeBERTa-v3) distances beyond b/2 are mapped to log-spaced buckets
/// (He et al. 2021, DeBERTa, §3.1 and the v2 release notes):
/// bucket(δ) = δ for |δ| ≤ b/2, else sign(δ) · (⌈log(|δ| / m) / log((P − 1) / m) · (m − 1)⌉ + m), m = b/2,
/// P = max_relative_positions. Computed in float32 as torch does, since the ceiling is exact to a bit.
/// </summary>
public static class RelativePositions
{
    /// <summary>(T, T) table of bucketed δ(i, j).</summary>
    public static int[] Build(int tokens, int buckets, int maxPosition)
    {
        var table = new int[tokens * tokens];
        for (int i = 0; i < tokens; i++)
            for (int j = 0; j < tokens; j++)
                table[i * tokens + j] = buckets > 0 && maxPosition > 0 ? LogBucket(i - j, buckets, maxPosition) : i - j;
        return table;
    }

    public static int LogBucket(int relative, int buckets, int maxPosition)
    {
        int mid = buckets / 2;
        int abs = relative < mid && relative > -mid ? mid - 1 : Math.Abs(relative);
        if (abs <= mid) return relative;
        float ratio = (float)abs / mid;
        float denominator = MathF.Log((float)((maxPosition - 1) / (double)mid));
        float logPosition = MathF.Ceiling(MathF.Log(ratio) / denominator * (mid - 1)) + mid;
        return (int)(logPosition * Math.Sign(relative));
    }
}
