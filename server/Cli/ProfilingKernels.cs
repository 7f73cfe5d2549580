using System.Diagnostics;
using AttentionLens.Tensors;

namespace AttentionLens.Server.Cli;

/// <summary>
/// `bench forward --profile`: an <see cref="IKernels"/> decorator that forwards every call to the
/// real kernels and adds its wall time and the process's CPU time to a named bucket (GEMM with
/// float32 or 16-bit weights, attention, norms, activations, RoPE, …), so a forward's time can be
/// split without a profiler. Models call kernels one at a time, so the buckets do not overlap;
/// what is left of the forward's time is the models' own code (embedding lookup, copies of the
/// captured tensors, finiteness checks). Reading the CPU time costs a few microseconds per call.
/// </summary>
internal sealed class ProfilingKernels(IKernels inner, ProfilingKernels.Buckets buckets) : IKernels
{
    /// <summary>Accumulated seconds per bucket, shared by the instances <see cref="WithThreads"/> makes.</summary>
    internal sealed class Buckets
    {
        private readonly Dictionary<string, (double Wall, double Cpu, int Calls)> _totals = [];
        private readonly Process _process = Process.GetCurrentProcess();

        public IReadOnlyDictionary<string, (double Wall, double Cpu, int Calls)> Totals => _totals;

        public void Clear() => _totals.Clear();

        internal void Time(string bucket, Action action)
        {
            _process.Refresh();
            var cpu0 = _process.TotalProcessorTime;
            long t0 = Stopwatch.GetTimestamp();
            action();
            double wall = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            _process.Refresh();
            double cpu = (_process.TotalProcessorTime - cpu0).TotalSeconds;
            var (w, c, n) = _totals.GetValueOrDefault(bucket);
            _totals[bucket] = (w + wall, c + cpu, n + 1);
        }
    }

    public unsafe void MatMulTransposed(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int m, int k, int n) =>
        Dense(true, a, b, bias, c, m, k, n);

    public unsafe void MatMul(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int m, int k, int n) =>
        Dense(false, a, b, bias, c, m, k, n);

    private unsafe void Dense(bool transposed, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int m, int k, int n)
    {
        fixed (float* pa = a, pb = b, pi = bias, pc = c)
        {
            var (ra, la, rb, lb, ri, li, rc, lc) = ((nint)pa, a.Length, (nint)pb, b.Length, (nint)pi, bias.Length, (nint)pc, c.Length);
            buckets.Time("gemm_activations", () =>
            {
                var sa = new ReadOnlySpan<float>((float*)ra, la);
                var sb = new ReadOnlySpan<float>((float*)rb, lb);
                var si = new ReadOnlySpan<float>((float*)ri, li);
                var sc = new Span<float>((float*)rc, lc);
                if (transposed) inner.MatMulTransposed(sa, sb, si, sc, m, k, n);
                else inner.MatMul(sa, sb, si, sc, m, k, n);
            });
        }
    }

    public unsafe void MatMul(ReadOnlySpan<float> a, WeightMatrix w, ReadOnlySpan<float> bias, Span<float> c, int m)
    {
        string bucket = (w.Data.Is16Bit ? "gemm_weights16" : "gemm_weights32") + (m <= 24 ? "_fewrows" : "");
        fixed (float* pa = a, pb = bias, pc = c)
        {
            var (ra, ala, rb, alb, rc, alc) = ((nint)pa, a.Length, (nint)pb, bias.Length, (nint)pc, c.Length);
            buckets.Time(bucket, () => inner.MatMul(new ReadOnlySpan<float>((float*)ra, ala), w, new ReadOnlySpan<float>((float*)rb, alb),
                new Span<float>((float*)rc, alc), m));
        }
    }

    public unsafe void Softmax(Span<float> x, int rows, int cols)
    {
        fixed (float* p = x)
        {
            var (r, l) = ((nint)p, x.Length);
            buckets.Time("softmax", () => inner.Softmax(new Span<float>((float*)r, l), rows, cols));
        }
    }

    public unsafe void LayerNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y, int rows, int cols, float eps)
    {
        fixed (float* px = x, pg = gamma, pb = beta, py = y)
        {
            var (rx, lx, rg, lg, rb, lb, ry, ly) = ((nint)px, x.Length, (nint)pg, gamma.Length, (nint)pb, beta.Length, (nint)py, y.Length);
            buckets.Time("norm", () => inner.LayerNorm(new ReadOnlySpan<float>((float*)rx, lx), new ReadOnlySpan<float>((float*)rg, lg),
                new ReadOnlySpan<float>((float*)rb, lb), new Span<float>((float*)ry, ly), rows, cols, eps));
        }
    }

    public unsafe void RmsNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, Span<float> y, int rows, int cols, float eps)
    {
        fixed (float* px = x, pg = gamma, py = y)
        {
            var (rx, lx, rg, lg, ry, ly) = ((nint)px, x.Length, (nint)pg, gamma.Length, (nint)py, y.Length);
            buckets.Time("norm", () => inner.RmsNorm(new ReadOnlySpan<float>((float*)rx, lx), new ReadOnlySpan<float>((float*)rg, lg),
                new Span<float>((float*)ry, ly), rows, cols, eps));
        }
    }

    public unsafe void Activate(Span<float> x, Activation activation)
    {
        fixed (float* p = x)
        {
            var (r, l) = ((nint)p, x.Length);
            buckets.Time("activation", () => inner.Activate(new Span<float>((float*)r, l), activation));
        }
    }

    public unsafe void SiluMultiply(Span<float> a, ReadOnlySpan<float> b)
    {
        fixed (float* pa = a, pb = b)
        {
            var (ra, la, rb, lb) = ((nint)pa, a.Length, (nint)pb, b.Length);
            buckets.Time("activation", () => inner.SiluMultiply(new Span<float>((float*)ra, la), new ReadOnlySpan<float>((float*)rb, lb)));
        }
    }

    public unsafe void Add(Span<float> a, ReadOnlySpan<float> b)
    {
        fixed (float* pa = a, pb = b)
        {
            var (ra, la, rb, lb) = ((nint)pa, a.Length, (nint)pb, b.Length);
            buckets.Time("add", () => inner.Add(new Span<float>((float*)ra, la), new ReadOnlySpan<float>((float*)rb, lb)));
        }
    }

    public unsafe void Rope(Span<float> x, int tokens, int heads, int headDim, RopeTable table)
    {
        fixed (float* p = x)
        {
            var (r, l) = ((nint)p, x.Length);
            buckets.Time("rope", () => inner.Rope(new Span<float>((float*)r, l), tokens, heads, headDim, table));
        }
    }

    public unsafe void Attention(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> bias,
        Span<float> probs, Span<float> context, int tokens, int heads, int kvHeads, int headDim, float scale, bool scaleQuery = false)
    {
        fixed (float* pq = q, pk = k, pv = v, pb = bias, pp = probs, pc = context)
        {
            var (rq, lq, rk, lk, rv, lv, rb, lb, rp, lp, rc, lc) = ((nint)pq, q.Length, (nint)pk, k.Length, (nint)pv, v.Length,
                (nint)pb, bias.Length, (nint)pp, probs.Length, (nint)pc, context.Length);
            buckets.Time("attention", () => inner.Attention(new ReadOnlySpan<float>((float*)rq, lq), new ReadOnlySpan<float>((float*)rk, lk),
                new ReadOnlySpan<float>((float*)rv, lv), new ReadOnlySpan<float>((float*)rb, lb), new Span<float>((float*)rp, lp),
                new Span<float>((float*)rc, lc), tokens, heads, kvHeads, headDim, scale, scaleQuery));
        }
    }

    public IKernels WithThreads(int threads) => new ProfilingKernels(inner.WithThreads(threads), buckets);
}
