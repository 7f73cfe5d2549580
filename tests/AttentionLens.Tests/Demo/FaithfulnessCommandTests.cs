using AttentionLens.Analysis;
using AttentionLens.Demo;

namespace AttentionLens.Tests.Demo;

/// <summary>The faithfulness table: every token method, every column, ρ in [−1, 1], and n/a exactly
/// where a model cannot supply a method (the encoder-only methods on the decoders).</summary>
public class FaithfulnessCommandTests
{
    [Fact]
    public void TableHasEveryMethodWithRhoInRangeAndNaOnlyWhereUnavailable()
    {
        var models = DemoModels.Locate(null);
        var table = FaithfulnessBenchmark.Run(models, HeldOutSet.Load(models.HeldOut), SharedData.Path("models", "stories260K"), 3);
        Assert.Equal(MethodRegistry.TokenMethods, table.Methods);
        Assert.Equal(4, table.Columns.Count);
        Assert.Equal([3, 3, 3, 3], table.Cases);
        for (int m = 0; m < table.Methods.Count; m++)
        {
            // Value zeroing runs on the decoders too (docs/methods.md#valuezeroing).
            bool encoderOnly = table.Methods[m].Name is "alti" or "globenc";
            for (int c = 0; c < 4; c++)
            {
                bool decoder = c >= 2;
                Assert.Equal(encoderOnly && decoder, double.IsNaN(table.Rho[m][c]));
                Assert.Equal(encoderOnly && decoder, double.IsNaN(table.Comprehensiveness[m][c]));
                if (!double.IsNaN(table.Rho[m][c])) Assert.InRange(table.Rho[m][c], -1, 1);
                if (!double.IsNaN(table.Sufficiency[m][c])) Assert.True(double.IsFinite(table.Sufficiency[m][c]));
            }
        }
        Assert.Contains("n/a", table.ToText());
    }
}
