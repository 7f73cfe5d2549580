using AttentionLens.Flow;
using AttentionLens.Models;

namespace AttentionLens.Analysis;

/// <summary>
/// How one analysis's forward keeps attention, and the memory that takes, decided from the model's
/// shape and the input length before the model runs (<see cref="Analyzer.ForwardOptionsFor"/>).
/// <paramref name="Bytes"/>: the kept attention (<see cref="AttentionBytes"/>); <paramref name="WorkingBytes"/>:
/// the analysis's other large buffers (<see cref="WorkingSetBytes"/>), counted only for long inputs (an
/// ordinary input's are small beside the model's load estimate, which covers a 128-token pass).
/// </summary>
public readonly record struct AttentionPlan(bool HeadMean, AttentionStorage Storage, long Bytes, long WorkingBytes = 0)
{
    public long TotalBytes => Bytes + WorkingBytes;

    /// <summary>Methods that read single heads through <see cref="MethodContext.PerHead"/> when the
    /// attention is not one float32 array (long inputs), beside the head-mean ones.</summary>
    private static readonly HashSet<string> PerLayerMethods = new(StringComparer.Ordinal) { "attention", "influence", "valueNorms" };

    /// <summary>
    /// The plan for <paramref name="tokens"/> tokens: float32 in one array up to
    /// <see cref="AnalysisOptions.PerHeadAttentionLimitBytes"/>; above it head means alone when every
    /// requested method reads only those; else half precision per layer (value outputs kept as Grams)
    /// while attention and working buffers fit <see cref="AnalysisOptions.AttentionMemoryLimitBytes"/>.
    /// Methods that read single heads only from one float32 array (routes, ALTI, GlobEnc, value zeroing,
    /// the attention-gradient methods) keep it while it fits one .NET array, as before. Anything else is
    /// refused with an <see cref="AnalysisException"/> saying how many tokens fit and how to raise the
    /// budget. <see cref="AnalysisOptions.AttentionStorage"/> forces a storage (tests compare half
    /// precision with float32 on small models).
    /// </summary>
    public static AttentionPlan For(AnalysisOptions options, ModelInfo? info, int tokens)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (info is null) return new AttentionPlan(false, options.AttentionStorage ?? AttentionStorage.Float32, 0);
        long values = (long)info.Layers * info.Heads * tokens * tokens;
        if (options.AttentionStorage is null && Analyzer.NeedsOnlyHeadMeans(options) && 4 * values > options.PerHeadAttentionLimitBytes)
            return new AttentionPlan(true, AttentionStorage.Float32, AttentionBytes(info, tokens, true, AttentionStorage.Float32, false));
        bool valueNorms = options.Methods.Contains(AnalysisMethod.ValueNorms);
        bool small = values <= Array.MaxLength && 4 * values <= options.PerHeadAttentionLimitBytes;
        // The ordinary case first: it needs no list of methods (the server plans every analysis, so this
        // path runs at its first analysis too).
        if (options.AttentionStorage is null && small)
            return new AttentionPlan(false, AttentionStorage.Float32, AttentionBytes(info, tokens, false, AttentionStorage.Float32, valueNorms));
        var flatOnly = new List<string>();
        foreach (var m in options.Methods)
            if (!Analyzer.HeadMeanMethods.Contains(m.Name) && !PerLayerMethods.Contains(m.Name)) flatOnly.Add(m.Name);
        if (options.AttentionStorage is null && flatOnly.Count > 0 && values <= Array.MaxLength)
            return new AttentionPlan(false, AttentionStorage.Float32, AttentionBytes(info, tokens, false, AttentionStorage.Float32, valueNorms));
        var storage = options.AttentionStorage ?? AttentionStorage.Float16;
        if (flatOnly.Count > 0 && (storage == AttentionStorage.Float16 || values > Array.MaxLength))
            throw new AnalysisException(
                $"{tokens} tokens are too many for {string.Join(", ", flatOnly)}: {(values <= Array.MaxLength ? "they read single heads from one float32 array, and this analysis keeps attention in half precision per layer" : $"their per-head attention would be {info.Layers} × {info.Heads} × {tokens}² = {values:N0} values, more than one array holds")}. "
                + $"Analyse fewer tokens (at most {MaxFlatTokens(info)}), or use methods that read attention per layer (rollout, flow, attention, influence, valueNorms, and those that read none).",
                "methods");
        long bytes = AttentionBytes(info, tokens, false, storage, valueNorms);
        long working = WorkingSetBytes(info, tokens, options.Methods.Contains(AnalysisMethod.Flow));
        if (!AttentionStore.LayerFits(info.Heads, tokens) || bytes + working > options.AttentionMemoryLimitBytes)
        {
            int fits = MaxTokensWithin(info, storage, options);
            throw new AnalysisException(
                $"{tokens} tokens need about {Mib(bytes + working)} MiB: {Mib(bytes)} MiB for the per-head attention of {info.Layers} layers × {info.Heads} heads "
                + $"({(storage == AttentionStorage.Float16 ? "half precision" : "float32")}{(valueNorms ? " and the value norms' Grams" : "")}) and {Mib(working)} MiB for the analysis's graphs, more than the {Mib(options.AttentionMemoryLimitBytes)} MiB this analysis may use. "
                + $"About {fits} tokens fit. Analyse fewer tokens, use only rollout and flow with the mean head reduction (head means take {Mib(AttentionBytes(info, tokens, true, AttentionStorage.Float32, false))} MiB), "
                + "or raise the memory budget (--memory-budget-mb on the command line, attentionLens.memoryBudgetMb in the editor).",
                "methods");
        }
        return new AttentionPlan(false, storage, bytes, working);
    }

    /// <summary>
    /// Bytes an analysis's forward keeps for attention: head means L·T² float32 (and the float32 layer
    /// 4·H·T² the forward folds); float32 per head 4·L·H·T²; half precision 2·L·H·T² plus the float32
    /// layer (4·H·T²) the forward writes before rounding it; with value norms, as a per-layer store
    /// keeps them, the one layer of value outputs the forward writes (4·H·T·C), the Grams (8·L·T·H²)
    /// and their norms (8·L·T², twice: result and per-layer matrices).
    /// </summary>
    public static long AttentionBytes(ModelInfo info, int tokens, bool headMean, AttentionStorage storage, bool valueNorms)
    {
        ArgumentNullException.ThrowIfNull(info);
        long L = info.Layers, H = info.Heads, T = tokens, C = info.HiddenSize;
        if (headMean) return 4 * L * T * T + 4 * H * T * T;
        long bytes = AttentionStore.BytesFor(L, H, T, storage) + (storage == AttentionStorage.Float16 ? 4 * H * T * T : 0);
        if (valueNorms) bytes += 4 * H * T * C + 8 * L * T * H * H + 2 * 8 * L * T * T;
        return bytes;
    }

    /// <summary>
    /// The analysis's other large buffers at <paramref name="tokens"/> tokens: the forward's hidden
    /// states 4·(L+1)·T·C, the graph Â (8·L·T², <see cref="LayeredAttention"/>), rollout's products
    /// (3·8·T²), and with flow one sink-sweep solver per core (its arc flows 8·L·T² and bit masks about
    /// 8·(L+1)²·T·⌈T/64⌉) plus Shapley's cold solver (the graph with a super sink 8·(L+1)·T², and per
    /// causal arc, about L·T²/2 of them, 20 bytes of lists and 8 of flow). The weights are the model's
    /// load estimate.
    /// </summary>
    public static long WorkingSetBytes(ModelInfo info, int tokens, bool flow)
    {
        ArgumentNullException.ThrowIfNull(info);
        long L = info.Layers, T = tokens, C = info.HiddenSize, nn = T * T, words = (T + 63) / 64;
        long bytes = 4 * (L + 1) * T * C + 8 * L * nn + 3 * 8 * nn;
        if (!flow) return bytes;
        long solver = 8 * L * nn + 8 * ((L + 1) * T + 1) * (L + 1) * words + 6 * 8 * (L + 1) * T * words;
        return bytes + Math.Max(1, Environment.ProcessorCount) * solver + 8 * (L + 1) * nn + 28 * L * nn / 2 + 4 * nn;
    }

    /// <summary>The most tokens whose L·H·T² per-head values fit one array.</summary>
    private static int MaxFlatTokens(ModelInfo info) =>
        (int)Math.Floor(Math.Sqrt((double)Array.MaxLength / ((long)info.Layers * info.Heads)));

    /// <summary>The most tokens whose attention and working bytes stay within the limit (and whose layer fits one array).</summary>
    private static int MaxTokensWithin(ModelInfo info, AttentionStorage storage, AnalysisOptions options)
    {
        bool valueNorms = options.Methods.Contains(AnalysisMethod.ValueNorms), flow = options.Methods.Contains(AnalysisMethod.Flow);
        int low = 0, high = 1 << 20;
        while (low < high)
        {
            int mid = (low + high + 1) / 2;
            if (AttentionStore.LayerFits(info.Heads, mid) && AttentionBytes(info, mid, false, storage, valueNorms) + WorkingSetBytes(info, mid, flow) <= options.AttentionMemoryLimitBytes) low = mid;
            else high = mid - 1;
        }
        return low;
    }

    private static long Mib(long bytes) => (bytes + (1 << 19)) >> 20;
}
