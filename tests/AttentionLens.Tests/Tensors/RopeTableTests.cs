using AttentionLens.Tensors;

namespace AttentionLens.Tests.Tensors;

/// <summary>
/// Inverse frequencies against values printed by PyTorch 1.13 (float32) running transformers'
/// formulas: <c>1.0 / (base ** (torch.arange(0, dim, 2).float() / dim))</c> for the default, and
/// <c>_compute_llama3_parameters</c> for Llama 3 scaling (Llama 3.2 1B settings: head_dim 64,
/// rope_theta 500000, factor 32, low_freq_factor 1, high_freq_factor 4, original 8192).
/// </summary>
public class RopeTableTests
{
    [Theory]
    [InlineData(64, 10000.0, new[] { 0x3f800000, 0x3f3ff911, 0x3f0ff59a, 0x3ed7e89b, 0x3ea1e89b, 0x3e72d423 })]
    [InlineData(96, 10000.0, new[] { 0x3f800000, 0x3f534db0, 0x3f2e6928, 0x3f0ff59a, 0x3eeda63c, 0x3ec42822 })]
    [InlineData(128, 500000.0, new[] { 0x3f800000, 0x3f508ac1, 0x3f29e1c6, 0x3f0a6384, 0x3ee177bc, 0x3eb7ab7d })]
    public void Default_inverse_frequencies_match_transformers_bitwise(int headDim, double theta, int[] expectedBits)
    {
        var inv = RopeTable.DefaultInverseFrequencies(headDim, theta);
        for (int i = 0; i < expectedBits.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(inv[i]) == expectedBits[i],
                $"D={headDim} θ={theta} i={i}: {inv[i]:R}, transformers {BitConverter.Int32BitsToSingle(expectedBits[i]):R}");
    }

    private static readonly float[] Llama32 =
    [
        1.0f, 0.663601279258728f, 0.44036662578582764f, 0.2922278344631195f, 0.193922758102417f, 0.12868738174438477f,
        0.08539710193872452f, 0.05666961893439293f, 0.03760603070259094f, 0.02495540864765644f, 0.016560440883040428f,
        0.010989529080688953f, 0.00729266507551074f, 0.00483942124992609f, 0.0032114461064338684f, 0.0012905480107292533f,
        0.000429556705057621f, 9.708286233944818e-05f, 1.9461638657958247e-05f, 1.291476746700937e-05f, 8.570255886297673e-06f,
        5.687232260243036e-06f, 3.7740544485131977e-06f, 2.504467147446121e-06f, 1.6619674170215148e-06f, 1.1028836297555245e-06f,
        7.318749339901842e-07f, 4.856731266045244e-07f, 3.2229328894572973e-07f, 2.1387423032592778e-07f, 1.4192720243499934e-07f,
        9.418306490260875e-08f,
    ];

    [Fact]
    public void Llama3_scaling_matches_transformers_bitwise()
    {
        var inv = RopeTable.Llama3InverseFrequencies(64, 500000.0, 32.0, 1.0, 4.0, 8192);
        Assert.Equal(Llama32.Length, inv.Length);
        for (int i = 0; i < inv.Length; i++)
            Assert.True(inv[i] == Llama32[i], $"i={i}: {inv[i]:R}, transformers {Llama32[i]:R}");
    }

    [Fact]
    public void Llama3_scaling_keeps_high_and_divides_low_frequencies()
    {
        var plain = RopeTable.DefaultInverseFrequencies(128, 500000.0);
        var scaled = RopeTable.Llama3InverseFrequencies(128, 500000.0, 8.0, 1.0, 4.0, 8192);
        Assert.Equal(plain[0], scaled[0]);          // wavelength 2π < 2048: unchanged
        Assert.Equal(plain[^1] / 8f, scaled[^1]);   // wavelength > 8192: divided by the factor
        Assert.Throws<AttentionLensException>(() => RopeTable.Llama3InverseFrequencies(64, 1e4, 8, 4, 1, 8192));
    }
}
