using AttentionLens.Analysis;
using AttentionLens.Models;

namespace AttentionLens.Tests.Analysis;

/// <summary>
/// ERASER comprehensiveness and sufficiency AOPC (DeYoung et al. 2020) on a model with a known answer:
/// the fake classifier's logit is the sum of the weights of the tokens it can read, so removing the
/// top k tokens drops it by their weight sum, and keeping only them drops it by the rest.
/// Bins 10/20/50 % of T = 10 tokens are k = 1, 2, 5.
/// </summary>
public class AopcTests
{
    [Fact]
    public void ComprehensivenessAndSufficiencyAreTheHandComputedDeletionCurves()
    {
        var w = new double[] { 0.5, 3, 1, 7, 2, 9, 4, 6, 8, 5 };
        var model = new FakeModel(causal: false, w, classifier: true);
        var ids = Enumerable.Range(10, w.Length).ToArray();
        var scores = new Dictionary<string, double[]>
        {
            ["perfect"] = w.ToArray(),
            ["reversed"] = w.Select(x => -x).ToArray(),
        };
        var f = Faithfulness.Measure(model, new ForwardInput(ids), 0, scores, CancellationToken.None);
        double total = w.Sum();
        var desc = w.OrderByDescending(x => x).ToArray();
        var asc = w.Order().ToArray();
        double Top(double[] sorted, int k) => sorted.Take(k).Sum();
        int[] ks = [1, 2, 5];
        Assert.Equal(ks.Average(k => Top(desc, k)), f.Comprehensiveness[new("perfect")], 5);
        Assert.Equal(ks.Average(k => total - Top(desc, k)), f.Sufficiency[new("perfect")], 5);
        Assert.Equal(ks.Average(k => Top(asc, k)), f.Comprehensiveness[new("reversed")], 5);
        Assert.Equal(ks.Average(k => total - Top(asc, k)), f.Sufficiency[new("reversed")], 5);
        Assert.Equal(1.0, f.Spearman[new("perfect")], 9);
        Assert.Equal(-1.0, f.Spearman[new("reversed")], 9);
        Assert.Equal([0.1, 0.2, 0.5], Faithfulness.Bins);
    }
}
