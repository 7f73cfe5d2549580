using AttentionLens.Flow;

namespace AttentionLens.Tests.Flow;

public class ValueWeightedAttentionTests
{
    [Fact]
    public void GramFormMatchesDirectVectorSum()
    {
        int L = 2, H = 3, n = 5, C = 7;
        var rng = new Random(11);
        var shape = AttentionShape.Create(L, H, n);
        var att = new double[shape.Elements];
        for (int row = 0; row < att.Length / n; row++)
        {
            double s = 0;
            for (int j = 0; j < n; j++) s += att[row * n + j] = rng.NextDouble();
            for (int j = 0; j < n; j++) att[row * n + j] /= s;
        }
        var f = new double[L * H * n * C];
        for (int k = 0; k < f.Length; k++) f[k] = rng.NextDouble() * 2 - 1;
        var result = ValueWeightedAttention.Compute<double>(att, f, shape, C);
        var expected = new double[L * n * n];
        var expectedHeads = new double[L * H * n];
        for (int l = 0; l < L; l++)
        {
            for (int h = 0; h < H; h++)
                for (int j = 0; j < n; j++)
                    expectedHeads[(l * H + h) * n + j] = Math.Sqrt(Enumerable.Range(0, C).Sum(c => f[((l * H + h) * n + j) * C + c] * f[((l * H + h) * n + j) * C + c]));
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    var v = new double[C];
                    for (int h = 0; h < H; h++)
                        for (int c = 0; c < C; c++) v[c] += att[shape.BlockOffset(l, h) + i * n + j] * f[((l * H + h) * n + j) * C + c];
                    expected[(l * n + i) * n + j] = Math.Sqrt(v.Sum(x => x * x));
                }
        }
        ArrayAssert.Close(expected, result.Norms, 1e-12, "N", L, n, n);
        ArrayAssert.Close(expectedHeads, result.HeadValueNorms, 1e-12, "‖f_h(x_j)‖", L, H, n);
        for (int l = 0; l < L; l++)
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(Enumerable.Range(0, n).Sum(j => expected[(l * n + i) * n + j]), result.Received[l * n + i], 10);
                Assert.Equal(Enumerable.Range(0, n).Sum(k => expected[(l * n + k) * n + i]), result.Emitted[l * n + i], 10);
            }
        var weighted = new double[H * n];
        ValueWeightedAttention.WeightedHeadNorms<double>(att, result.HeadValueNorms, shape, 1, 2, weighted);
        Assert.Equal(att[shape.BlockOffset(1, 2) + 2 * n + 3] * expectedHeads[(1 * H + 2) * n + 3], weighted[2 * n + 3], 12);
    }

    [Fact]
    public void RefusesMissingValueOutputs()
    {
        var shape = AttentionShape.Create(1, 1, 2);
        var e = Assert.Throws<InvalidAttentionException>(() => ValueWeightedAttention.Compute<double>(new double[] { 1, 0, 0, 1 }, new double[3], shape, 4));
        Assert.Contains("CaptureValueOutputs", e.Message);
    }
}
