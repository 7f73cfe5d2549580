using AttentionLens.Models;
using AttentionLens.Tensors;

namespace AttentionLens.Tests.Models;

/// <summary>
/// ForwardOptions.Threads: a forward on one thread and on several computes the same numbers (every
/// kernel splits work by whole output columns, rows, heads or elements, so each value is summed in
/// the same order), and CpuKernels.WithThreads gives kernels with exactly that thread count.
/// </summary>
public sealed class ForwardThreadsTests
{
    [Theory]
    [InlineData("bert")]
    [InlineData("gpt2")]
    [InlineData("llama")]
    public void Forward_is_bitwise_identical_on_one_and_three_threads(string folder)
    {
        var model = ModelLoader.Load(SharedData.Path("golden", "hf", folder));
        using var reference = new ReferenceCase(SharedData.Path("golden", "hf", folder, "reference", "single.safetensors"));
        var input = new ForwardInput(reference.InputRow("input.input_ids", 0)!);
        var one = model.Forward(input, new ForwardOptions { Threads = 1, CaptureValueOutputs = true });
        var three = model.Forward(input, new ForwardOptions { Threads = 3, CaptureValueOutputs = true });
        AssertSame($"{folder} attentions", one.Attentions, three.Attentions);
        AssertSame($"{folder} hidden states", one.HiddenStates, three.HiddenStates);
        AssertSame($"{folder} value outputs", one.ValueOutputs!, three.ValueOutputs!);
        if (one.Logits is not null) AssertSame($"{folder} logits", one.Logits, three.Logits!);
    }

    [Fact]
    public void WithThreads_sets_the_thread_count_and_keeps_the_instruction_set()
    {
        var kernels = new CpuKernels(2, SimdLevel.Vector128);
        Assert.Same(kernels, kernels.WithThreads(0));
        Assert.Same(kernels, kernels.WithThreads(2));
        var three = Assert.IsType<CpuKernels>(kernels.WithThreads(3));
        Assert.Equal(3, three.Threads);
        Assert.Equal(SimdLevel.Vector128, three.Level);
    }

    private static void AssertSame(string what, float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{what}: element {i} is {actual[i]:R} on 3 threads, {expected[i]:R} on 1 thread.");
    }
}
