using AttentionLens.Analysis;
using AttentionLens.Demo;
using AttentionLens.Models;

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
        // Gradient methods need a backward pass (IDifferentiableModel): n/a on a column whose model has none.
        bool[] differentiable = [.. new[] { models.BertFinetuned, models.BertPretrained, models.Gpt2, SharedData.Path("models", "stories260K") }
            .Select(dir => Gradients.IsDifferentiable(ModelLoader.Load(dir)))];
        for (int m = 0; m < table.Methods.Count; m++)
        {
            // Value zeroing runs on the decoders too (docs/methods.md#valuezeroing).
            bool encoderOnly = table.Methods[m].Name is "alti" or "globenc";
            bool gradient = MethodRegistry.Get(table.Methods[m]).Needs.HasFlag(MethodNeeds.Gradients);
            for (int c = 0; c < 4; c++)
            {
                bool decoder = c >= 2;
                bool na = (encoderOnly && decoder) || (gradient && !differentiable[c]);
                Assert.Equal(na, double.IsNaN(table.Rho[m][c]));
                Assert.Equal(na, double.IsNaN(table.Comprehensiveness[m][c]));
                if (!double.IsNaN(table.Rho[m][c])) Assert.InRange(table.Rho[m][c], -1, 1);
                if (!double.IsNaN(table.Sufficiency[m][c])) Assert.True(double.IsFinite(table.Sufficiency[m][c]));
            }
        }
        Assert.Contains("n/a", table.ToText());
    }
}
