using AttentionLens.Tensors;

namespace AttentionLens.Tests.Tensors;

/// <summary>
/// <see cref="HalfWidening"/> at every SIMD level against its scalar reference (the runtime's own
/// <c>Half</c> → float conversion and the bf16 shift): every one of the 65,536 bit patterns of
/// both types (zeros, subnormals, normals, infinities, NaNs of either sign), and every length from
/// 0 to 70 so each vector tail is taken.
/// </summary>
public class HalfWideningTests
{
    [Theory]
    [MemberData(nameof(KernelAssert.Levels), MemberType = typeof(KernelAssert))]
    public void Every_bit_pattern_widens_exactly(string levelName)
    {
        var level = Enum.Parse<SimdLevel>(levelName);
        var bits = Enumerable.Range(0, 65536).Select(i => (ushort)i).ToArray();
        foreach (var type in new[] { WeightElementType.BFloat16, WeightElementType.Float16 })
        {
            var expected = new float[bits.Length];
            var actual = new float[bits.Length];
            HalfWidening.Reference(bits, expected, type);
            HalfWidening.Widen(bits, actual, type, level);
            for (int i = 0; i < bits.Length; i++)
            {
                if (float.IsNaN(expected[i])) Assert.True(float.IsNaN(actual[i]), $"{level} {type} 0x{i:X4}: expected NaN, got {actual[i]:R}");
                else if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                    Assert.Fail($"{level} {type} 0x{i:X4}: expected {expected[i]:R}, got {actual[i]:R}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(KernelAssert.Levels), MemberType = typeof(KernelAssert))]
    public void Every_tail_length_is_widened(string levelName)
    {
        var level = Enum.Parse<SimdLevel>(levelName);
        var rng = new Random(5);
        foreach (var type in new[] { WeightElementType.BFloat16, WeightElementType.Float16 })
            for (int n = 0; n <= 70; n++)
            {
                // Finite values only, so bitwise equality is the whole check; one guard element past the end.
                var source = Enumerable.Range(0, n).Select(_ => Finite(rng, type)).ToArray();
                var expected = new float[n];
                var actual = new float[n + 1];
                actual[n] = 42f;
                HalfWidening.Reference(source, expected, type);
                HalfWidening.Widen(source, actual.AsSpan(0, n), type, level);
                KernelAssert.Equal(expected, actual.AsSpan(0, n), $"{level} {type} length {n}");
                Assert.Equal(42f, actual[n]);
            }
    }

    [Fact]
    public void Float32_is_not_a_16_bit_type() =>
        Assert.Throws<ArgumentException>(() => HalfWidening.Widen(new ushort[1], new float[1], WeightElementType.Float32));

    internal static ushort Finite(Random rng, WeightElementType type)
    {
        while (true)
        {
            var bits = (ushort)rng.Next(65536);
            bool finite = type == WeightElementType.BFloat16 ? (bits & 0x7F80) != 0x7F80 : (bits & 0x7C00) != 0x7C00;
            if (finite) return bits;
        }
    }
}
