using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AttentionLens.Tensors;

/// <summary>Which <see cref="SimdLevel"/>s this process can run.</summary>
public static class SimdSupport
{
    /// <summary>True when the CPU and runtime can execute <paramref name="level"/>.</summary>
    public static bool IsSupported(SimdLevel level) => level switch
    {
        SimdLevel.Avx512 => Avx512F.IsSupported && Vector512.IsHardwareAccelerated,
        SimdLevel.Avx2 => Avx2.IsSupported && Fma.IsSupported,
        SimdLevel.Vector128 => true,
        _ => false,
    };

    /// <summary>The widest supported level.</summary>
    public static SimdLevel Best =>
        IsSupported(SimdLevel.Avx512) ? SimdLevel.Avx512 :
        IsSupported(SimdLevel.Avx2) ? SimdLevel.Avx2 : SimdLevel.Vector128;

    /// <summary>Every supported level, narrowest first (what the tests iterate over).</summary>
    public static IReadOnlyList<SimdLevel> Supported =>
        Enum.GetValues<SimdLevel>().Where(IsSupported).ToArray();
}
