namespace AttentionLens.Tensors;

/// <summary>
/// Reverse mode of the element-wise activations (<see cref="IKernels.Activate"/>,
/// <see cref="IKernels.SiluMultiply"/>): dx = dy · f′(x), from the forward's input x. Derivatives in
/// double. Scalar by design (O(T·F) beside the layer's O(T·C·F) GEMMs).
/// </summary>
public static class ActivationBackward
{
    /// <summary>In place: dy[i] ← dy[i] · f′(x[i]).</summary>
    public static void Apply(ReadOnlySpan<float> x, Span<float> dy, Activation activation)
    {
        KernelChecks.Vector(x.Length, dy.Length, "activation backward x", optional: false);
        for (int i = 0; i < dy.Length; i++) dy[i] = (float)(dy[i] * Derivative(x[i], activation));
    }

    /// <summary>
    /// f′(x): GELU (erf) Φ(x) + x·φ(x); GELU (tanh, Hendrycks &amp; Gimpel 2016 §2) with
    /// u = √(2/π)(x + 0.044715x³): ½(1 + tanh u) + ½x(1 − tanh² u)·√(2/π)(1 + 3·0.044715x²);
    /// ReLU 1[x &gt; 0] (torch's subgradient 0 at 0); SiLU σ(x)(1 + x(1 − σ(x))).
    /// </summary>
    public static double Derivative(double x, Activation activation)
    {
        switch (activation)
        {
            case Activation.Gelu:
            {
                // Φ(x) = ½(1 + erf(x/√2)) with erf from A&S 7.1.26 (|error| ≤ 1.5e-7, far below float32
                // gradients' own rounding); the series of ScalarKernels.Erfc is 15× slower and is the reference
                // this is tested against (DerivativeReference).
                double z = x / Math.Sqrt(2.0);
                double pdf = Math.Exp(-0.5 * x * x) / Math.Sqrt(2.0 * Math.PI);
                return 0.5 * (1 + Erf(z)) + x * pdf;
            }
            case Activation.GeluTanh:
            {
                const double k = 0.7978845608028654, a = 0.044715;
                double th = Math.Tanh(k * (x + a * x * x * x));
                return 0.5 * (1 + th) + 0.5 * x * (1 - th * th) * k * (1 + 3 * a * x * x);
            }
            case Activation.Relu:
                return x > 0 ? 1 : 0;
            case Activation.Silu:
            {
                double s = 1.0 / (1.0 + Math.Exp(-x));
                return s * (1 + x * (1 - s));
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(activation));
        }
    }

    /// <summary>f′ with GELU's Φ from the double-precision erfc series (<see cref="ScalarKernels.Erfc"/>): the
    /// reference <see cref="Derivative"/> is tested against.</summary>
    public static double DerivativeReference(double x, Activation activation) => activation == Activation.Gelu
        ? 0.5 * ScalarKernels.Erfc(-x / Math.Sqrt(2.0)) + x * Math.Exp(-0.5 * x * x) / Math.Sqrt(2.0 * Math.PI)
        : Derivative(x, activation);

    /// <summary>erf z = 1 − (a₁t + a₂t² + a₃t³ + a₄t⁴ + a₅t⁵)·e^(−z²), t = 1/(1 + p|z|), odd in z
    /// (Abramowitz &amp; Stegun 7.1.26; |error| ≤ 1.5e-7).</summary>
    private static double Erf(double z)
    {
        double a = Math.Abs(z), t = 1.0 / (1.0 + 0.3275911 * a);
        double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
        double r = 1.0 - poly * Math.Exp(-a * a);
        return z < 0 ? -r : r;
    }

    /// <summary>
    /// SwiGLU gate out = silu(a)·b (Shazeer 2020, eq. 6): da = dout·b·silu′(a), db = dout·silu(a).
    /// </summary>
    /// <param name="a">The gate's pre-activation (gate_proj output).</param>
    /// <param name="b">The up projection.</param>
    public static void SiluMultiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> dOut, Span<float> da, Span<float> db)
    {
        KernelChecks.Vector(a.Length, dOut.Length, "SiluMultiply backward a", optional: false);
        for (int i = 0; i < dOut.Length; i++)
        {
            double s = 1.0 / (1.0 + Math.Exp(-(double)a[i]));
            da[i] = (float)(dOut[i] * (double)b[i] * s * (1 + a[i] * (1 - s)));
            db[i] = (float)(dOut[i] * a[i] * s);
        }
    }

    /// <summary>In place: dy[i] ← dy[i] · (1 − y[i]²) for y = tanh(x) given y (poolers, soft-capping).</summary>
    public static void TanhFromOutput(ReadOnlySpan<float> y, Span<float> dy)
    {
        KernelChecks.Vector(y.Length, dy.Length, "tanh backward y", optional: false);
        for (int i = 0; i < dy.Length; i++) dy[i] = (float)(dy[i] * (1 - (double)y[i] * y[i]));
    }
}
