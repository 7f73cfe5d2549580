using AttentionLens.Models;

namespace AttentionLens.Tests.Models;

/// <summary>
/// Re-running one layer from its input (ForwardOptions.ResumeFrom + StopAfterLayer, what value zeroing
/// does L·T times) gives exactly the full pass's layer output, and zeroing a token's values there
/// changes the outputs of the positions that attend to it.
/// </summary>
public class LayerResumeTests
{
    [Theory]
    [InlineData("bert")]
    [InlineData("distilbert")]
    [InlineData("roberta")]
    public void OneLayerFromItsInputEqualsTheFullPass(string name)
    {
        var model = ModelLoader.Load(SharedData.Path("golden", "hf", name));
        var ids = new[] { 2, 40, 41, 42, 43, 3 };
        var input = new ForwardInput(ids);
        var full = model.Forward(input);
        int T = ids.Length, C = full.Hidden;
        for (int l = 0; l < full.Layers; l++)
        {
            var resume = new LayerInput(l, full.HiddenStates.AsSpan(l * T * C, T * C).ToArray());
            var one = model.Forward(input, new ForwardOptions { ResumeFrom = resume, StopAfterLayer = l, ComputeLogits = false });
            Assert.Equal(full.HiddenStates.AsSpan((l + 1) * T * C, T * C).ToArray(), one.HiddenStates.AsSpan((l + 1) * T * C, T * C).ToArray());
            var zeroed = model.Forward(input, new ForwardOptions { ResumeFrom = resume, StopAfterLayer = l, ZeroValue = new ValueZeroing(l, 2), ComputeLogits = false });
            Assert.NotEqual(full.HiddenStates.AsSpan((l + 1) * T * C, C).ToArray(), zeroed.HiddenStates.AsSpan((l + 1) * T * C, C).ToArray());
        }
    }
}
