using AttentionLens.Models;

namespace AttentionLens.Tests.Models;

/// <summary><see cref="IDifferentiableModel.Gradient"/>'s contract beyond the numbers: clear errors for bad targets
/// and inputs, cancellation, optional attention gradients, and models without a backward pass.</summary>
public sealed class GradientBehaviourTests
{
    private static IDifferentiableModel Gpt2 => Gradients.Require(ModelLoader.Load(SharedData.Path("golden", "hf", "gpt2")));

    private static readonly ForwardInput Input = new([5, 6, 7, 8]);

    [Fact]
    public void BadTargetsAreRefusedWithTheirFault()
    {
        var model = Gpt2;
        Assert.Contains("outside 0..304", Assert.ThrowsAny<AttentionLensException>(() => model.Gradient(Input, new GradientTarget(GradientOutput.LmLogits, 1, 305))).Message);
        Assert.Contains("position 4", Assert.ThrowsAny<AttentionLensException>(() => model.Gradient(Input, new GradientTarget(GradientOutput.LmLogits, 4, 1))).Message);
        Assert.Contains("ClassifierLogits", Assert.ThrowsAny<AttentionLensException>(() => model.Gradient(Input, new GradientTarget(GradientOutput.ClassifierLogits, 0, 1))).Message);
        Assert.Contains("contrast", Assert.ThrowsAny<AttentionLensException>(() => model.Gradient(Input, new GradientTarget(GradientOutput.LmLogits, 1, 2, 400))).Message);
        Assert.Contains("log-probability", Assert.ThrowsAny<AttentionLensException>(() => model.Gradient(Input, new GradientTarget(GradientOutput.LmLogits, 1, 2, 3, LogProbability: true))).Message);
        Assert.Contains("InputsEmbeds has 3 values", Assert.ThrowsAny<AttentionLensException>(() =>
            model.Gradient(Input, new GradientTarget(GradientOutput.LmLogits, 1, 2), new GradientOptions { InputsEmbeds = new float[3] })).Message);
    }

    [Fact]
    public void CancellationStopsThePass()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => Gpt2.Gradient(Input, new GradientTarget(GradientOutput.LmLogits, 3, 1), cancellationToken: cancelled.Token));
    }

    [Fact]
    public void AttentionGradientsAreOptionalAndDoNotChangeTheEmbeddingGradient()
    {
        var target = new GradientTarget(GradientOutput.LmLogits, 3, 10, 11);
        var full = Gpt2.Gradient(Input, target);
        var lean = Gpt2.Gradient(Input, target, new GradientOptions { AttentionGradients = false, Threads = 1 });
        Assert.Null(lean.GradAttentions);
        Assert.Null(lean.Attentions);
        Assert.Equal(full.Value, lean.Value, 5);
        TensorAssert.Close("grad_inputs_embeds", full.GradInputsEmbeds, lean.GradInputsEmbeds, 1e-5, 4, 32);
        Assert.Equal(2 * 4 * 4 * 4, full.GradAttentions!.Length);
    }

    [Fact]
    public void CausalModelsSendNoGradientToLaterTokens()
    {
        // y reads position 1: later tokens cannot influence it, and in the last layer only query row 1 matters.
        var g = Gpt2.Gradient(Input, new GradientTarget(GradientOutput.LmLogits, 1, 10));
        for (int i = 2 * 32; i < 4 * 32; i++) Assert.Equal(0f, g.GradInputsEmbeds[i]);
        Assert.Contains(g.GradInputsEmbeds[..64], v => v != 0);
        for (int h = 0; h < 4; h++)
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++)
                {
                    float last = g.GradAttentions![((1 * 4 + h) * 4 + i) * 4 + j];
                    float first = g.GradAttentions[((0 * 4 + h) * 4 + i) * 4 + j];
                    if (i != 1) Assert.Equal(0f, last);
                    if (i > 1) Assert.Equal(0f, first);
                }
    }

    [Fact]
    public void ConcurrentCallsGiveTheSequentialResult()
    {
        // Activations belong to the call: four threads on one model (two targets) match one thread each.
        var model = Gpt2;
        var targets = new[] { new GradientTarget(GradientOutput.LmLogits, 3, 10), new GradientTarget(GradientOutput.LmLogits, 2, 7, 8) };
        var expected = targets.Select(t => model.Gradient(Input, t)).ToArray();
        var results = new GradientResult[4];
        Parallel.For(0, 4, i => results[i] = model.Gradient(Input, targets[i % 2]));
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(expected[i % 2].GradInputsEmbeds, results[i].GradInputsEmbeds);
            Assert.Equal(expected[i % 2].GradAttentions, results[i].GradAttentions);
        }
    }

    [Fact]
    public void ModelsWithoutAHeadAreNotDifferentiable()
    {
        var body = ModelLoader.Load(SharedData.Path("golden", "hf", "bert"));
        Assert.False(Gradients.IsDifferentiable(body));
        Assert.False(Gradients.IsDifferentiable(AttentionLens.Models.Gpt2.Gpt2LMHeadModel.Load(AttentionLens.Tensors.CpuKernels.Instance,
            AttentionLens.Checkpoints.WeightStore.Random(1).Root, new AttentionLens.Models.Gpt2.Gpt2Config { NLayer = 1, NEmbd = 8, NHead = 2, VocabSize = 10, NPositions = 8 },
            "random", "GPT2Model", withHead: false)));
        Assert.Contains("not implemented", Assert.Throws<AttentionLensException>(() => Gradients.Require(body)).Message);
    }
}
