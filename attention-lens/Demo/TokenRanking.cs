namespace AttentionLens.Demo;

/// <summary>Where a token stands among candidate tokens when a method's scores order them.</summary>
public static class TokenRanking
{
    /// <summary>
    /// The 0-based rank of <paramref name="token"/> among <paramref name="candidates"/> (positions
    /// into <paramref name="scores"/>, which must include the token): the number of candidates
    /// scoring strictly higher, plus those scoring equal that come earlier in the text. Ties are
    /// thus broken against later tokens, deterministically, and a method that gives every token
    /// the same score ranks only the first candidate first.
    /// </summary>
    public static int RankOf(ReadOnlySpan<double> scores, int token, ReadOnlySpan<int> candidates)
    {
        if ((uint)token >= (uint)scores.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(token), token, $"Token {token} is outside the {scores.Length} scores.");
        }

        var found = false;
        var rank = 0;
        var own = scores[token];
        foreach (var c in candidates)
        {
            if (c == token)
            {
                found = true;
                continue;
            }

            var s = scores[c];
            if (s > own || (s == own && c < token))
            {
                rank++;
            }
        }

        return found ? rank : throw new ArgumentException($"Token {token} is not among the candidates.", nameof(candidates));
    }

    /// <summary>The positions of the <paramref name="count"/> highest-scoring candidates, best first (ties: earlier first).</summary>
    public static int[] Top(ReadOnlySpan<double> scores, ReadOnlySpan<int> candidates, int count)
    {
        var order = candidates.ToArray();
        var copy = scores.ToArray();
        Array.Sort(order, (a, b) => copy[b].CompareTo(copy[a]) is var c && c != 0 ? c : a.CompareTo(b));
        return order.Take(Math.Min(count, order.Length)).ToArray();
    }
}
