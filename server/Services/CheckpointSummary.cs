using System.Buffers.Binary;
using System.Text.Json;

namespace AttentionLens.Server.Services;

/// <summary>
/// What a checkpoint folder is, read cheaply for listing: config.json's type, architecture,
/// layers and heads, and the parameter count summed from safetensors headers (8-byte
/// little-endian header length, then a JSON map of name → {dtype, shape, data_offsets}), so no
/// weights are read.
/// </summary>
public sealed record CheckpointSummary(string? ModelType, string? Architecture, int? Layers, int? Heads, long? ParameterCount, bool HasTokenizer, string? Problem)
{
    public const string Expected = "a Hugging Face checkpoint folder with config.json, weights (model.safetensors, model.safetensors.index.json or pytorch_model.bin) and tokenizer files";
    private const long MaxHeaderBytes = 100L * 1024 * 1024;
    private static readonly string[] WeightFiles = ["model.safetensors", "model.safetensors.index.json", "pytorch_model.bin"];

    public static bool LooksLikeCheckpoint(string directory) => File.Exists(Path.Combine(directory, "config.json"));

    public static bool HasWeights(string directory) => WeightFiles.Any(f => File.Exists(Path.Combine(directory, f)));

    public static bool HasTokenizerFiles(string directory) =>
        File.Exists(Path.Combine(directory, "tokenizer.json")) || File.Exists(Path.Combine(directory, "vocab.txt"))
        || File.Exists(Path.Combine(directory, "tokenizer.model"))
        || (File.Exists(Path.Combine(directory, "vocab.json")) && File.Exists(Path.Combine(directory, "merges.txt")));

    public static CheckpointSummary Read(string directory)
    {
        string? modelType = null, architecture = null, problem = null;
        int? layers = null, heads = null;
        long? parameters = null;
        try
        {
            using var config = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(directory, "config.json")));
            var root = config.RootElement;
            modelType = String(root, "model_type");
            architecture = root.TryGetProperty("architectures", out var a) && a.ValueKind == JsonValueKind.Array && a.GetArrayLength() > 0
                ? a[0].GetString() : modelType;
            layers = Int(root, "num_hidden_layers", "n_layer", "n_layers");
            heads = Int(root, "num_attention_heads", "n_head", "n_heads");
            parameters = CountParameters(directory);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException or InvalidOperationException)
        {
            problem = e.Message;
        }
        if (problem is null && !HasWeights(directory)) problem = "no weights file (model.safetensors, model.safetensors.index.json or pytorch_model.bin)";
        return new CheckpointSummary(modelType, architecture, layers, heads, parameters, HasTokenizerFiles(directory), problem);
    }

    private static long? CountParameters(string directory)
    {
        var single = Path.Combine(directory, "model.safetensors");
        if (File.Exists(single)) return CountSafetensors(single);
        var index = Path.Combine(directory, "model.safetensors.index.json");
        if (!File.Exists(index)) return null;
        using var doc = JsonDocument.Parse(File.ReadAllBytes(index));
        if (!doc.RootElement.TryGetProperty("weight_map", out var map)) return null;
        long total = 0;
        foreach (var shard in map.EnumerateObject().Select(p => p.Value.GetString()).Distinct())
            if (shard is not null) total += CountSafetensors(Path.Combine(directory, shard));
        return total;
    }

    private static long CountSafetensors(string file)
    {
        using var stream = File.OpenRead(file);
        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        var length = BinaryPrimitives.ReadInt64LittleEndian(prefix);
        if (length <= 0 || length > MaxHeaderBytes || length > stream.Length - 8)
            throw new InvalidOperationException($"{file}: safetensors header length {length} is invalid");
        var header = new byte[length];
        stream.ReadExactly(header);
        using var doc = JsonDocument.Parse(header);
        long total = 0;
        foreach (var tensor in doc.RootElement.EnumerateObject())
        {
            if (tensor.Name == "__metadata__" || !tensor.Value.TryGetProperty("shape", out var shape)) continue;
            long count = 1;
            foreach (var d in shape.EnumerateArray()) count *= d.GetInt64();
            total += count;
        }
        return total;
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int? Int(JsonElement root, params string[] names)
    {
        foreach (var name in names)
            if (root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i)) return i;
        return null;
    }
}
