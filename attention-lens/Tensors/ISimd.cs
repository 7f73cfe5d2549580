namespace AttentionLens.Tensors;

/// <summary>
/// The vector operations the element-wise kernels are written against, implemented once per
/// width (<see cref="Simd512"/>, <see cref="Simd256"/>, <see cref="Simd128"/>) by structs so that each
/// kernel is compiled separately per instruction set and a test can run any of them.
/// <typeparamref name="TV"/> holds floats.
/// </summary>
internal interface ISimd<TV> where TV : struct
{
    static abstract bool IsSupported { get; }

    /// <summary>Floats per vector.</summary>
    static abstract int Count { get; }

    static abstract TV Load(ref float source, nuint index);
    static abstract void Store(TV value, ref float destination, nuint index);
    static abstract TV Splat(float value);
    static abstract TV Add(TV a, TV b);
    static abstract TV Subtract(TV a, TV b);
    static abstract TV Multiply(TV a, TV b);
    static abstract TV Divide(TV a, TV b);

    /// <summary>a·b + c, fused where the hardware can.</summary>
    static abstract TV MultiplyAdd(TV a, TV b, TV c);

    /// <summary>Lane-wise maximum as the hardware computes it (no NaN or signed-zero fix-ups).</summary>
    static abstract TV Max(TV a, TV b);

    /// <summary>Lane-wise minimum as the hardware computes it.</summary>
    static abstract TV Min(TV a, TV b);

    /// <summary>Lane-wise a &lt; b ? ifLess : otherwise.</summary>
    static abstract TV SelectLess(TV a, TV b, TV ifLess, TV otherwise);

    /// <summary>2^n for lanes holding 1.5·2²³ + n (n an integer in [−126, 127]): the integer sits in
    /// the low mantissa bits, (bits + 127) &lt;&lt; 23 keeps just the biased exponent field.</summary>
    static abstract TV PowerOfTwoFromRounded(TV k);

    /// <summary>Sum of the lanes.</summary>
    static abstract float Sum(TV x);

    /// <summary>Largest lane.</summary>
    static abstract float MaxAcross(TV x);
}
