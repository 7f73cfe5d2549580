namespace AttentionLens.Generation;

/// <summary>
/// SplitMix64 (Steele, Lea &amp; Flood 2014, "Fast Splittable Pseudorandom Number Generators",
/// OOPSLA): a 64-bit state advanced by the golden-ratio increment and mixed by two xor-shift-
/// multiplies. Ours rather than <see cref="Random"/> so that a seed gives the same draws on every
/// .NET version and platform (System.Random's seeded sequence is not a documented contract).
/// </summary>
public struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1): the top 53 bits as a double's mantissa.</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));
}
