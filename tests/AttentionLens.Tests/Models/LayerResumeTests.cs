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

    /// <summary>The decoders value zeroing supports (docs/methods.md#valuezeroing), LMs and task heads, and OPT
    /// pre- and post-norm with and without project_out (the zeroed token reaches every OPT layer, whether or
    /// not the method is offered there): the last layer's output is read through the final norm, as in the full pass; zeroing token 2's values leaves the
    /// positions before it bit for bit unchanged (causal attention) and moves position 2.</summary>
    [Theory]
    [InlineData("../shared/golden/hf/gpt2")]
    [InlineData("../shared/golden/hf/llama")]
    [InlineData("tests/goldens/decoders/mistral")]
    [InlineData("tests/goldens/decoders/qwen2")]
    [InlineData("tests/goldens/decoders/qwen2_sliding")]
    [InlineData("tests/goldens/decoders/gpt_neox")]
    [InlineData("tests/goldens/decoders/gpt_neox_sequential")]
    [InlineData("tests/goldens/decoders/phi")]
    [InlineData("tests/goldens/decoders/phi3")]
    [InlineData("tests/goldens/decoders/gemma")]
    [InlineData("tests/goldens/decoders/gemma2")]
    [InlineData("tests/goldens/decoders/olmo2")]
    [InlineData("tests/goldens/decoders/opt")]
    [InlineData("tests/goldens/decoders/opt_qa")]
    [InlineData("tests/goldens/decoders/opt_seqcls")]
    [InlineData("tests/goldens/decoders/opt_post_ln_proj")]
    [InlineData("tests/goldens/decoders/llama_seqcls")]
    [InlineData("tests/goldens/decoders/phi3_seqcls")]
    public void DecoderLayerFromItsInputEqualsTheFullPass(string relative)
    {
        var model = ModelLoader.Load(relative.StartsWith("../shared/", StringComparison.Ordinal)
            ? SharedData.Path(relative["../shared/".Length..].Split('/'))
            : Path.Combine(SharedData.RepositoryRoot, relative));
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
            Assert.Equal(full.HiddenStates.AsSpan((l + 1) * T * C, 2 * C).ToArray(), zeroed.HiddenStates.AsSpan((l + 1) * T * C, 2 * C).ToArray());
            Assert.NotEqual(full.HiddenStates.AsSpan((l + 1) * T * C + 2 * C, C).ToArray(), zeroed.HiddenStates.AsSpan((l + 1) * T * C + 2 * C, C).ToArray());
        }
    }
}
