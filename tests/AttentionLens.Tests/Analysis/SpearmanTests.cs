using AttentionLens.Analysis;

namespace AttentionLens.Tests.Analysis;

public class SpearmanTests
{
    [Fact]
    public void MonotoneIsOneAndReversedIsMinusOne()
    {
        Assert.Equal(1, Spearman.Rho([1, 2, 3, 10], [0.1, 0.2, 5, 6]), 12);
        Assert.Equal(-1, Spearman.Rho([1, 2, 3, 10], [9, 8, 7, -1]), 12);
    }

    /// <summary>x = [1, 2, 2, 3] ranks [1, 2.5, 2.5, 4]; y = [1, 3, 2, 4] ranks [1, 3, 2, 4].
    /// Deviations from 2.5: dx = [−1.5, 0, 0, 1.5], dy = [−1.5, .5, −.5, 1.5];
    /// Σdxdy = 4.5, Σdx² = 4.5, Σdy² = 5 → ρ = 4.5 / √22.5 = 3/√10.</summary>
    [Fact]
    public void TiesGetAverageRanks()
    {
        Assert.Equal(new[] { 1, 2.5, 2.5, 4 }, Spearman.Ranks([1, 2, 2, 3]));
        Assert.Equal(3 / Math.Sqrt(10), Spearman.Rho([1, 2, 2, 3], [1, 3, 2, 4]), 12);
    }

    [Fact]
    public void ConstantInputHasNoCorrelation() => Assert.True(double.IsNaN(Spearman.Rho([1, 1, 1], [1, 2, 3])));

    [Fact]
    public void UnequalLengthsAreRefused() =>
        Assert.Throws<AnalysisException>(() => Spearman.Rho([1, 2], [1, 2, 3]));
}
