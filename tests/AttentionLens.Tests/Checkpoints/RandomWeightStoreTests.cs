using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Tests.Checkpoints;

/// <summary>
/// <see cref="WeightStore.Random(int, WeightElementType)"/> (the bf16 benchmark presets): matrices come
/// as 16-bit data holding the float32 store's values rounded to nearest even, vectors stay float32,
/// and prefixes keep the element type.
/// </summary>
public class RandomWeightStoreTests
{
    [Theory]
    [InlineData(WeightElementType.BFloat16)]
    [InlineData(WeightElementType.Float16)]
    public void Matrices_are_the_float32_values_rounded_to_16_bits(WeightElementType type)
    {
        var exact = WeightStore.Random(3).Root.Get("layer.w", 7, 9).ToArray();
        var store = WeightStore.Random(3, type).WithPrefixes("model.");
        var data = store.Root.GetData("layer.w", 7, 9);
        Assert.Equal(type, data.ElementType);
        var wide = data.ToFloat32().ToArray();
        for (int i = 0; i < exact.Length; i++)
        {
            float expected = type == WeightElementType.BFloat16
                ? BitConverter.Int32BitsToSingle((int)((BitConverter.SingleToUInt32Bits(exact[i]) + 0x7FFF + ((BitConverter.SingleToUInt32Bits(exact[i]) >> 16) & 1)) >> 16) << 16)
                : (float)(Half)exact[i];
            Assert.Equal(expected, wide[i]);
        }
        Assert.False(store.Root.GetData("layer.norm.weight", 9).Is16Bit);
    }
}
