namespace AttentionLens.Tensors;

/// <summary>
/// The vector operations the element-wise kernels are written against, implemented once per
/// width (<see cref="Simd512"/>, <see cref="Simd256"/>, <see cref="Simd128"/>) by structs so that each
/// kernel is compiled separately per instruction set and a test can run any of them.
/// <typeparamref name="TV"/> holds floats; <typeparamref name="TD"/> holds doubles, half as many,
/// used where float arithmetic is not accurate enough (erf).
/// </summary>
internal interface ISimd<TV, TD> where TV : struct where TD : struct
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

    static abstract TD WidenLower(TV x);
    static abstract TD WidenUpper(TV x);
    static abstract TV Narrow(TD lower, TD upper);
    static abstract TD SplatD(double value);
    static abstract TD AddD(TD a, TD b);
    static abstract TD SubtractD(TD a, TD b);
    static abstract TD MultiplyD(TD a, TD b);
    static abstract TD DivideD(TD a, TD b);
    static abstract TD MultiplyAddD(TD a, TD b, TD c);
    static abstract TD MinD(TD a, TD b);
    static abstract TD AbsD(TD x);
    /// <summary>2^n for lanes holding 1.5·2⁵² + n (n an integer in [−1022, 1023]).</summary>
    static abstract TD PowerOfTwoFromRoundedD(TD k);

    /// <summary>Lane-wise <paramref name="x"/> &lt; 0 ? <paramref name="ifNegative"/> : <paramref name="otherwise"/>.</summary>
    static abstract TD SelectNegativeD(TD x, TD ifNegative, TD otherwise);
}
