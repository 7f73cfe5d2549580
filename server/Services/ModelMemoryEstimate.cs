using System.Buffers.Binary;
using System.Text.Json;

namespace AttentionLens.Server.Services;

/// <summary>
/// What a checkpoint will cost in memory once loaded and run, worked out from <c>config.json</c>,
/// the safetensors headers and file sizes alone — before any weight is mapped or read, so a model
/// over the budget is refused without spending memory on it. The parts:
/// <list type="bullet">
/// <item><b>weights</b>: float32, bf16 and f16 tensors are used in place from the mapping, so what a
/// forward touches becomes resident at its stored size; f64 tensors and <c>pytorch_model.bin</c>
/// weights are converted to float32 copies. Embedding tables are only looked up by the analysis
/// forward (which computes no logits) and touch a few rows, so they count nothing; a tied LM head
/// reads its whole table only for faithfulness (one logit row per occluded input, unpacked).</item>
/// <item><b>packed</b>: float32 weight matrices get one packed copy for the GEMM (WeightMatrix) once an
/// input is longer than 24 tokens; 16-bit matrices are widened panel by panel and get none.</item>
/// <item><b>tokenizer</b>: its tables, about 96 bytes per vocabulary entry or three times the
/// tokenizer files, whichever is larger.</item>
/// <item><b>working</b>: one forward pass over <see cref="NominalTokens"/> tokens: attentions
/// L·H·T², hidden states (L+1)·T·C and the layer scratch (about T·(4C + 3F)), float32.</item>
/// </list>
/// <c>ModelMemoryEstimateTests</c> compares the total with the resident memory a fresh process
/// measures for the same load and forward (<c>bench load</c>); the budget is meant to be within
/// ±25% of it.
/// </summary>
public sealed record ModelMemoryEstimate(long WeightBytes, long PackedBytes, long TokenizerBytes, long WorkingBytes)
{
    public const int NominalTokens = 128;
    private const long BytesPerVocabEntry = 96;
    private const long MaxHeaderBytes = 100L * 1024 * 1024;

    public long TotalBytes => WeightBytes + PackedBytes + TokenizerBytes + WorkingBytes;

    /// <summary>One line for logs and errors: the total and its parts in MiB.</summary>
    public string Describe() =>
        $"~{Mib(TotalBytes)} MiB: weights {Mib(WeightBytes)}, packed copies {Mib(PackedBytes)}, tokenizer {Mib(TokenizerBytes)}, a {NominalTokens}-token forward {Mib(WorkingBytes)}";

    private static long Mib(long bytes) => (bytes + (1 << 19)) >> 20;

    /// <summary>The estimate for the checkpoint folder <paramref name="directory"/>; reads config.json and headers only.</summary>
    public static ModelMemoryEstimate ForCheckpoint(string directory)
    {
        JsonElement config;
        using (var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(directory, "config.json"))))
            config = doc.RootElement.Clone();
        long vocab = Int(config, "vocab_size") ?? 0;
        long hidden = Int(config, "hidden_size", "n_embd", "dim", "d_model") ?? 0;
        long layers = Int(config, "num_hidden_layers", "n_layer", "n_layers", "num_layers") ?? 0;
        long heads = Int(config, "num_attention_heads", "n_head", "n_heads") ?? 0;
        long ffn = Int(config, "intermediate_size", "n_inner", "hidden_dim", "ffn_dim") ?? 4 * hidden;

        long weights = 0, packed = 0;
        var tensors = SafetensorsTensors(directory);
        if (tensors is not null)
        {
            foreach (var (name, dtype, shape) in tensors)
            {
                long elements = shape.Aggregate(1L, (a, d) => a * d);
                bool matrix = shape.Length == 2 && shape[0] > 1 && shape[1] > 1;
                bool embedding = matrix && IsEmbedding(name);
                if (embedding) continue; // looked up: a few rows resident
                weights += dtype switch
                {
                    "F32" or "I32" or "U32" => 4 * elements,
                    "BF16" or "F16" or "I16" or "U16" => 2 * elements,
                    "F64" => 4 * elements, // converted to a float32 copy
                    "I64" or "U64" => 8 * elements,
                    _ => elements,
                };
                if (matrix && dtype is "F32" or "F64") packed += 4 * elements;
            }
        }
        else
        {
            // pytorch_model.bin: converted to float32 on load, matrices packed once more.
            long fileBytes = WeightFiles(directory, "pytorch_model*.bin").Sum(f => new FileInfo(f).Length);
            string? dtype = String(config, "torch_dtype");
            long asFloat = dtype is "float16" or "bfloat16" ? 2 * fileBytes : fileBytes;
            weights = asFloat;
            packed = asFloat;
        }

        long tokenizerFiles = new[] { "tokenizer.json", "vocab.txt", "vocab.json", "merges.txt", "tokenizer.model" }
            .Select(f => Path.Combine(directory, f)).Where(File.Exists).Sum(f => new FileInfo(f).Length);
        long tokenizer = Math.Max(vocab * BytesPerVocabEntry, 3 * tokenizerFiles);
        return new ModelMemoryEstimate(weights, packed, tokenizer, ForwardBytes(layers, heads, hidden, ffn, NominalTokens));
    }

    /// <summary>One forward's float32 buffers at <paramref name="tokens"/> tokens (see the class summary).</summary>
    public static long ForwardBytes(long layers, long heads, long hidden, long ffn, long tokens) =>
        4 * (layers * heads * tokens * tokens + (layers + 1) * tokens * hidden + tokens * (4 * hidden + 3 * ffn));

    private static bool IsEmbedding(string name) =>
        name.Contains("embed", StringComparison.OrdinalIgnoreCase) || name.Contains("wte", StringComparison.Ordinal)
        || name.Contains("wpe", StringComparison.Ordinal);

    private static IEnumerable<string> WeightFiles(string directory, string pattern) =>
        Directory.Exists(directory) ? Directory.EnumerateFiles(directory, pattern) : [];

    /// <summary>(name, dtype, shape) of every tensor in the folder's safetensors files, or null when it has none.</summary>
    private static List<(string Name, string DType, long[] Shape)>? SafetensorsTensors(string directory)
    {
        var files = WeightFiles(directory, "*.safetensors").ToList();
        if (files.Count == 0) return null;
        var result = new List<(string, string, long[])>();
        Span<byte> prefix = stackalloc byte[8];
        foreach (var file in files)
        {
            using var stream = File.OpenRead(file);
            stream.ReadExactly(prefix);
            long length = BinaryPrimitives.ReadInt64LittleEndian(prefix);
            if (length <= 0 || length > MaxHeaderBytes || length > stream.Length - 8)
                throw new InvalidOperationException($"{file}: safetensors header length {length} is invalid");
            var header = new byte[length];
            stream.ReadExactly(header);
            using var doc = JsonDocument.Parse(header);
            foreach (var tensor in doc.RootElement.EnumerateObject())
            {
                if (tensor.Name == "__metadata__" || tensor.Value.ValueKind != JsonValueKind.Object) continue;
                if (!tensor.Value.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array) continue;
                string dtype = tensor.Value.TryGetProperty("dtype", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : "F32";
                result.Add((tensor.Name, dtype, shape.EnumerateArray().Select(x => x.TryGetInt64(out var v) ? Math.Max(0, v) : 0).ToArray()));
            }
        }
        return result;
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long? Int(JsonElement root, params string[] names)
    {
        foreach (var name in names)
            if (root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var i)) return i;
        return null;
    }
}
