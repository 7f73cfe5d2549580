using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AttentionLens.Tensors;

/// <summary>Packing and tile copies for <see cref="GemmDriver"/>.</summary>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// Packs op(B)[pc:pc+kc, jc:jc+nc] into ⌈nc/nr⌉ micro-panels, panel q holding columns
    /// jc+q·nr … as kc rows of nr contiguous floats (zero-padded past nc), at packed + q·nr·kc.
    /// </summary>
    public static void PackB(in GemmArgs g, float* packed, int pc, int kc, int jc, int nc, int nr, SimdLevel level = SimdLevel.Vector128)
    {
        if (g.B16 != null)
        {
            PackB16(g, packed, pc, kc, jc, nc, nr, level);
            return;
        }

        if (!g.BIsNByK)
        {
            PackRows(g.B + pc * g.Ldb + jc, g.Ldb, packed, kc, nc, nr);
            return;
        }

        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            PackTransposed(g.B + (jc + jr) * g.Ldb + pc, g.Ldb, packed + (nint)jr * kc, kc, cols, nr);
        }
    }

    /// <summary>
    /// <see cref="PackB"/> for a 16-bit B: the same panels, each element widened exactly to float32 on
    /// the way (so the micro-kernels are those of float32 weights, and A stays float32: no rounding of
    /// activations to 16 bits). For an n×k B (a linear layer's weight: the 1B Llama's every GEMM) the
    /// widening happens in registers inside the 8×8 transposes (<see cref="PackTransposed16"/>) where
    /// AVX2 is available: writing the widened rows to a buffer and reading them back cost about 7% of
    /// a bf16 forward. Without AVX2 the rows are widened into a small float buffer, then transposed
    /// as for float32.
    /// </summary>
    [SkipLocalsInit, MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB16(in GemmArgs g, float* packed, int pc, int kc, int jc, int nc, int nr, SimdLevel level)
    {
        if (!g.BIsNByK)
        {
            for (int p = 0; p < kc; p++)
            {
                ushort* row = g.B16 + (pc + p) * g.Ldb + jc;
                for (int jr = 0; jr < nc; jr += nr)
                {
                    int cols = Math.Min(nr, nc - jr);
                    float* d = packed + (nint)jr * kc + (nint)p * nr;
                    HalfWidening.Widen(row + jr, d, cols, g.BType, level);
                    for (int z = cols; z < nr; z++) d[z] = 0f;
                }
            }
            return;
        }

        if (level >= SimdLevel.Avx2 && Avx2.IsSupported)
        {
            // The next k slice of the same rows (what the next call packs, after this slice's
            // multiplications) is prefetched into L2 now, so it arrives from memory while this slice
            // is multiplied: each row's slice is only kc·2 bytes (8 lines at KC = 256), too short a
            // stream for the hardware prefetcher, and a bf16 model's weights are read from DRAM on
            // every forward. Measured on the 1B Llama shape, 128 tokens, 2 threads: 2.60–2.61 CPU-s
            // per forward against 2.65–2.68 without (three alternated pairs, load 15–20).
            int nextKc = Math.Min(GemmDriver.KC, g.K - pc - kc);
            bool prefetch = nextKc > 0 && Sse.IsSupported;
            for (int jr = 0; jr < nc; jr += nr)
            {
                ushort* src = g.B16 + (jc + jr) * g.Ldb + pc;
                PackTransposed16(src, g.Ldb, packed + (nint)jr * kc, kc, Math.Min(nr, nc - jr), nr, g.BType, prefetch ? src + kc : null, nextKc);
            }
            return;
        }

        float* wide = stackalloc float[nr * kc];
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            for (int j = 0; j < cols; j++)
                HalfWidening.Widen(g.B16 + (jc + jr + j) * g.Ldb + pc, wide + (nint)j * kc, kc, g.BType, level);
            PackTransposed(wide, kc, packed + (nint)jr * kc, kc, cols, nr);
        }
    }

    /// <summary>B is n×k: column j of op(B) is row j of B, contiguous in k, so the panel is a
    /// transpose. Blocks of 8 columns × 8 k are transposed in registers when AVX is available.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackTransposed(float* src, nint ld, float* dst, int kc, int cols, int nr)
    {
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j + 8 <= cols; j += 8)
            {
                float* s = src + j * ld;
                int p = 0;
                for (; p + 8 <= kc; p += 8) Transpose8x8(s + p, ld, dst + (nint)p * nr + j, nr);
                for (; p < kc; p++)
                    for (int jj = 0; jj < 8; jj++) dst[(nint)p * nr + j + jj] = s[jj * ld + p];
            }
        }

        for (; j < cols; j++)
        {
            float* s = src + j * ld;
            for (int p = 0; p < kc; p++) dst[(nint)p * nr + j] = s[p];
        }

        for (int jz = cols; jz < nr; jz++)
            for (int p = 0; p < kc; p++) dst[(nint)p * nr + jz] = 0f;
    }

    /// <summary>dst[p·ldd + j] = src[j·lds + p] for an 8×8 block.</summary>
    private static void Transpose8x8(float* src, nint lds, float* dst, nint ldd)
    {
        if (Avx.IsSupported)
        {
            Transpose8x8(Vector256.Load(src), Vector256.Load(src + lds), Vector256.Load(src + 2 * lds), Vector256.Load(src + 3 * lds),
                Vector256.Load(src + 4 * lds), Vector256.Load(src + 5 * lds), Vector256.Load(src + 6 * lds), Vector256.Load(src + 7 * lds), dst, ldd);
            return;
        }

        for (int p = 0; p < 8; p++)
            for (int j = 0; j < 8; j++) dst[p * ldd + j] = src[j * lds + p];
    }

    /// <summary>Stores the transpose of the 8×8 block whose rows are r0…r7 (row p of the result at
    /// dst + p·ldd), with the standard unpack/shuffle/permute sequence (24 shuffles for 64 elements).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3,
        Vector256<float> r4, Vector256<float> r5, Vector256<float> r6, Vector256<float> r7, float* dst, nint ldd)
    {
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        var s0 = Avx.Shuffle(t0, t2, 0x44);
        var s1 = Avx.Shuffle(t0, t2, 0xEE);
        var s2 = Avx.Shuffle(t1, t3, 0x44);
        var s3 = Avx.Shuffle(t1, t3, 0xEE);
        var s4 = Avx.Shuffle(t4, t6, 0x44);
        var s5 = Avx.Shuffle(t4, t6, 0xEE);
        var s6 = Avx.Shuffle(t5, t7, 0x44);
        var s7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Permute2x128(s0, s4, 0x20).Store(dst);
        Avx.Permute2x128(s1, s5, 0x20).Store(dst + ldd);
        Avx.Permute2x128(s2, s6, 0x20).Store(dst + 2 * ldd);
        Avx.Permute2x128(s3, s7, 0x20).Store(dst + 3 * ldd);
        Avx.Permute2x128(s0, s4, 0x31).Store(dst + 4 * ldd);
        Avx.Permute2x128(s1, s5, 0x31).Store(dst + 5 * ldd);
        Avx.Permute2x128(s2, s6, 0x31).Store(dst + 6 * ldd);
        Avx.Permute2x128(s3, s7, 0x31).Store(dst + 7 * ldd);
    }

    /// <summary>
    /// <see cref="PackTransposed"/> straight from a 16-bit n×k B (rows = columns of op(B)): each 8×8
    /// block is read as eight 8-element rows of 16-bit values, zero-extended and widened in registers
    /// (<see cref="HalfWidening.Widen8"/>) and transposed there, so the float32 rows are never written
    /// to memory and read back. Exactly the values of widening first, then transposing. When
    /// <paramref name="next"/> is given, the first <paramref name="nextKc"/> elements of each row there
    /// (the same rows' next k slice) are prefetched, two lines per 8×8 block; prefetches never fault
    /// and change no value.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackTransposed16(ushort* src, nint ld, float* dst, int kc, int cols, int nr, WeightElementType type, ushort* next = null, int nextKc = 0)
    {
        bool bf16 = type == WeightElementType.BFloat16;
        // 64-byte lines of the next slice per row, spread over this group's 8×8 blocks.
        int lines = next == null ? 0 : (nextKc * sizeof(ushort) + 63) / 64, blocks = Math.Max(1, kc / 8);
        int perBlock = (8 * lines + blocks - 1) / blocks;
        int j = 0;
        for (; j + 8 <= cols; j += 8)
        {
            ushort* s = src + j * ld;
            int p = 0, issued = 0;
            for (; p + 8 <= kc; p += 8)
            {
                for (int q = 0; q < perBlock && issued < 8 * lines; q++, issued++)
                    Sse.Prefetch1((byte*)(next + (j + issued % 8) * ld) + 64 * (issued / 8));
                ushort* b = s + p;
                Transpose8x8(HalfWidening.Widen8(b, bf16), HalfWidening.Widen8(b + ld, bf16), HalfWidening.Widen8(b + 2 * ld, bf16),
                    HalfWidening.Widen8(b + 3 * ld, bf16), HalfWidening.Widen8(b + 4 * ld, bf16), HalfWidening.Widen8(b + 5 * ld, bf16),
                    HalfWidening.Widen8(b + 6 * ld, bf16), HalfWidening.Widen8(b + 7 * ld, bf16), dst + (nint)p * nr + j, nr);
            }

            for (; p < kc; p++)
                for (int jj = 0; jj < 8; jj++) dst[(nint)p * nr + j + jj] = HalfWidening.WidenOne(s[jj * ld + p], type);
        }

        for (; j < cols; j++)
        {
            ushort* s = src + j * ld;
            for (int p = 0; p < kc; p++) dst[(nint)p * nr + j] = HalfWidening.WidenOne(s[p], type);
        }

        for (int jz = cols; jz < nr; jz++)
            for (int p = 0; p < kc; p++) dst[(nint)p * nr + jz] = 0f;
    }

    /// <summary>B is k×n: row p of the block is read once, front to back (a strided walk down each
    /// panel would touch a new page per row), and its nr-wide pieces go to the panels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackRows(float* src, nint ld, float* packed, int kc, int nc, int nr)
    {
        for (int p = 0; p < kc; p++)
        {
            float* row = src + p * ld;
            for (int jr = 0; jr < nc; jr += nr)
            {
                int cols = Math.Min(nr, nc - jr);
                var d = new Span<float>(packed + (nint)jr * kc + (nint)p * nr, nr);
                new ReadOnlySpan<float>(row + jr, cols).CopyTo(d);
                if (cols < nr) d[cols..].Clear();
            }
        }
    }

    /// <summary>Copies rows×kc of A (row stride lda) into a dense mr×kc block, zeroing the rows past
    /// <paramref name="rows"/> so a full micro-kernel can run on a short strip.</summary>
    public static void CopyRows(float* a, nint lda, int rows, int kc, float* dst, int mr)
    {
        for (int i = 0; i < mr; i++)
        {
            var d = new Span<float>(dst + (nint)i * kc, kc);
            if (i < rows) new ReadOnlySpan<float>(a + i * lda, kc).CopyTo(d);
            else d.Clear();
        }
    }

    /// <summary>Copies a rows×cols tile between two row-major buffers.</summary>
    public static void CopyTile(float* src, nint lds, float* dst, nint ldd, int rows, int cols)
    {
        for (int i = 0; i < rows; i++)
            new ReadOnlySpan<float>(src + i * lds, cols).CopyTo(new Span<float>(dst + i * ldd, cols));
    }
}
