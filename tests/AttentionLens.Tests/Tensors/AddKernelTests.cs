using AttentionLens.Tensors;

namespace AttentionLens.Tests.Tensors;

/// <summary>The residual add a[i] += b[i]: one IEEE float addition per element, so every instruction
/// set must give exactly the bits of the scalar sum, at every tail length.</summary>
public class AddKernelTests
{
    [Theory]
    [MemberData(nameof(KernelAssert.Levels), MemberType = typeof(KernelAssert))]
    public void Add_equals_the_scalar_sum_bit_for_bit(string levelName)
    {
        var kernels = new CpuKernels(1, Enum.Parse<SimdLevel>(levelName));
        var rng = new Random(5);
        for (int n = 1; n <= 100; n++)
        {
            var a = KernelAssert.Random(rng, n, 3f);
            var b = KernelAssert.Random(rng, n + 2, 3f);
            var expected = a.Select((v, i) => v + b[i]).ToArray();
            kernels.Add(a, b);
            KernelAssert.Equal(expected, a, $"{levelName} Add n={n}");
        }
    }

    [Fact]
    public void Add_rejects_a_short_second_operand()
    {
        Assert.Throws<ArgumentException>(() => new CpuKernels(1).Add(new float[4], new float[3]));
        Assert.Throws<ArgumentException>(() => ((IKernels)new ScalarReferenceKernels()).Add(new float[4], new float[3]));
    }
}
