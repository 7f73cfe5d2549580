using AttentionLens.Tensors;

namespace AttentionLens.Tests.Tensors;

/// <summary>
/// The packing of a 16-bit B (<see cref="GemmPacking.PackB"/> with bf16/f16 bits, which widens in
/// registers while it transposes 8×8 blocks) against its specification: widen the whole B with
/// <see cref="HalfWidening.Reference"/>, then pack the float32 values. Bitwise equal over the whole
/// packed block (zero padding included), for every SIMD level, both layouts, every k-slice depth
/// 1…19 and 256, every block width 1…70 (so each 8-column and 8-deep tail and each partial panel
/// occurs), at offsets inside B, with every bit pattern drawn (subnormals, infinities, NaNs; a NaN
/// must stay a NaN, its payload may differ as in <see cref="HalfWidening"/>'s own vector paths).
/// </summary>
public class HalfPackingTests
{
    [Theory]
    [MemberData(nameof(KernelAssert.Levels), MemberType = typeof(KernelAssert))]
    public unsafe void Packing_sixteen_bit_panels_equals_widening_then_packing(string levelName)
    {
        var level = Enum.Parse<SimdLevel>(levelName);
        int nr = level switch { SimdLevel.Avx512 => 32, SimdLevel.Avx2 => 16, _ => 8 };
        var rng = new Random(41);
        int[] depths = [.. Enumerable.Range(1, 19), 256];
        foreach (var type in new[] { WeightElementType.BFloat16, WeightElementType.Float16 })
            foreach (bool nByK in new[] { true, false })
                foreach (int kc in depths)
                    for (int nc = 1; nc <= 70; nc += kc % 3 + 1)
                    {
                        int pc = kc % 5, jc = nc % 4, k = pc + kc + 2, n = jc + nc + 3;
                        var bits = Enumerable.Range(0, k * n).Select(_ => (ushort)rng.Next(65536)).ToArray();
                        var wide = new float[bits.Length];
                        HalfWidening.Reference(bits, wide, type);
                        int length = (nc + nr - 1) / nr * nr * kc;
                        var expected = new float[length];
                        var actual = new float[length];
                        Array.Fill(actual, 7f); // padding must be written, not left over
                        fixed (float* w = wide, e = expected, a = actual)
                        fixed (ushort* b = bits)
                        {
                            GemmPacking.PackB(new GemmArgs(null, w, nByK, null, null, 0, k, n), e, pc, kc, jc, nc, nr, level);
                            GemmPacking.PackB(new GemmArgs(null, null, nByK, null, null, 0, k, n) { B16 = b, BType = type }, a, pc, kc, jc, nc, nr, level);
                        }

                        string what = $"{level} {type} {(nByK ? "n×k" : "k×n")} k={k} n={n} slice {pc}+{kc} block {jc}+{nc}";
                        for (int i = 0; i < length; i++)
                            if (!float.IsNaN(expected[i]) || !float.IsNaN(actual[i]))
                                Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                                    $"{what}: element {i}: expected {expected[i]:R}, got {actual[i]:R} (bitwise equality required)");
                    }
    }
}
