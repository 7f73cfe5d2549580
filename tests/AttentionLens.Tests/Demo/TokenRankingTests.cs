using AttentionLens.Demo;

namespace AttentionLens.Tests.Demo;

public class TokenRankingTests
{
    [Fact]
    public void RankCountsHigherScoresAndEarlierTies()
    {
        double[] scores = [0.9, 0.1, 0.3, 0.3, 0.5, 0.0];
        int[] words = [1, 2, 3, 4];
        Assert.Equal(0, TokenRanking.RankOf(scores, 4, words));
        Assert.Equal(1, TokenRanking.RankOf(scores, 2, words));
        Assert.Equal(2, TokenRanking.RankOf(scores, 3, words));
        Assert.Equal(3, TokenRanking.RankOf(scores, 1, words));
        Assert.Equal([4, 2, 3], TokenRanking.Top(scores, words, 3));
    }

    [Fact]
    public void UniformScoresRankOnlyTheFirstCandidateFirst()
    {
        double[] scores = [0.25, 0.25, 0.25, 0.25];
        int[] words = [0, 1, 2, 3];
        Assert.Equal(0, TokenRanking.RankOf(scores, 0, words));
        Assert.Equal(3, TokenRanking.RankOf(scores, 3, words));
    }

    [Fact]
    public void TokenOutsideTheCandidatesIsRefused()
    {
        double[] scores = [0.5, 0.5];
        Assert.Throws<ArgumentException>(() => TokenRanking.RankOf(scores, 0, [1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => TokenRanking.RankOf(scores, 5, [1]));
    }
}
