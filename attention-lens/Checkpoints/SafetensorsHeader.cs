using System.Text.Json;

namespace AttentionLens.Checkpoints;

/// <summary>
/// The parsed and validated JSON header of a safetensors file
/// (format: 8-byte little-endian header length N, N bytes of JSON, then the data section).
/// Every tensor is checked before any is used: known dtype, non-negative shape, dtype size ×
/// element count = byte length, offsets inside the data section, and no two tensors overlapping.
/// </summary>
public sealed class SafetensorsHeader
{
    /// <summary>The format's own cap on the header (safetensors refuses headers over 100 MB).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private SafetensorsHeader(IReadOnlyDictionary<string, SafetensorsTensorInfo> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Tensors = tensors;
        Metadata = metadata;
    }

    public IReadOnlyDictionary<string, SafetensorsTensorInfo> Tensors { get; }

    /// <summary>The free-form <c>__metadata__</c> string map (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Parses <paramref name="json"/> for a data section of <paramref name="dataLength"/> bytes.</summary>
    public static SafetensorsHeader Parse(ReadOnlySpan<byte> json, long dataLength, string path)
    {
        // JsonDocument does not validate UTF-8 inside strings until a name or value is decoded, and
        // then throws InvalidOperationException; check the whole header first so the fault is named.
        if (!System.Text.Unicode.Utf8.IsValid(json))
            throw new CheckpointException(path, $"the safetensors header is not valid UTF-8 (first bad byte at offset {8 + FirstInvalidUtf8(json)} of the file); the file is damaged or not a safetensors file.");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw new CheckpointException(path, $"the safetensors header is not well-formed JSON ({e.Message}); the file is damaged or not a safetensors file.", e);
        }

        using (document)
        {
            try
            {
                return Read(document, dataLength, path);
            }
            catch (InvalidOperationException e)
            {
                // GetString/Name throw this for an escape that is not Unicode ("\ud800" alone).
                throw new CheckpointException(path, $"the safetensors header holds a name or string that is not valid Unicode ({e.Message}); the file is damaged.", e);
            }
        }
    }

    private static SafetensorsHeader Read(JsonDocument document, long dataLength, string path)
    {
        if (document.RootElement.ValueKind != JsonValueKind.Object)
            throw new CheckpointException(path, "the safetensors header is not a JSON object; the file is damaged or not a safetensors file.");
        var tensors = new Dictionary<string, SafetensorsTensorInfo>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (property.Name == "__metadata__")
            {
                ReadMetadata(property.Value, metadata, path);
                continue;
            }
            if (tensors.ContainsKey(property.Name))
                throw new CheckpointException(path, $"tensor '{property.Name}' appears twice in the header.");
            tensors.Add(property.Name, ReadTensor(property.Name, property.Value, dataLength, path));
        }
        CheckNoOverlap(tensors.Values, path);
        return new SafetensorsHeader(tensors, metadata);
    }

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        int at = 0;
        while (at < bytes.Length && System.Text.Rune.DecodeFromUtf8(bytes[at..], out _, out int consumed) == System.Buffers.OperationStatus.Done)
            at += consumed;
        return at;
    }

    private static void ReadMetadata(JsonElement element, Dictionary<string, string> metadata, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new CheckpointException(path, "__metadata__ in the safetensors header must be an object of strings.");
        foreach (var entry in element.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
                throw new CheckpointException(path, $"__metadata__ entry '{entry.Name}' must be a string.");
            metadata[entry.Name] = entry.Value.GetString()!;
        }
    }

    private static SafetensorsTensorInfo ReadTensor(string name, JsonElement element, long dataLength, string path)
    {
        if (element.ValueKind != JsonValueKind.Object
            || !element.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String
            || !element.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array
            || !element.TryGetProperty("data_offsets", out var offsetsElement) || offsetsElement.ValueKind != JsonValueKind.Array)
            throw new CheckpointException(path, $"tensor '{name}' needs \"dtype\" (string), \"shape\" (array) and \"data_offsets\" (array) in the header.");

        var dtypeText = dtypeElement.GetString()!;
        if (!SafetensorsDTypes.TryParse(dtypeText, out var dtype))
            throw new CheckpointException(path, $"tensor '{name}' has unknown dtype '{dtypeText}'; supported: F32, F16, BF16, F64 (and integer types for non-weights).");

        var shape = new long[shapeElement.GetArrayLength()];
        int i = 0;
        long count = 1;
        foreach (var d in shapeElement.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out var dim) || dim < 0)
                throw new CheckpointException(path, $"tensor '{name}' has an invalid shape entry {d}; dimensions are non-negative integers.");
            shape[i++] = dim;
            count = dim == 0 || count == 0 ? 0 : count <= long.MaxValue / dim ? count * dim : throw new CheckpointException(path, $"tensor '{name}' has a shape whose element count overflows.");
        }

        if (offsetsElement.GetArrayLength() != 2)
            throw new CheckpointException(path, $"tensor '{name}' must have data_offsets [begin, end].");
        var offsets = offsetsElement.EnumerateArray().Select(o => o.ValueKind == JsonValueKind.Number && o.TryGetInt64(out var v) ? v : -1).ToArray();
        long begin = offsets[0], end = offsets[1];
        if (begin < 0 || end < begin || end > dataLength)
            throw new CheckpointException(path, $"tensor '{name}' has data_offsets [{begin}, {end}] outside the data section of {dataLength} bytes; the file is truncated or its header is wrong.");

        long size = SafetensorsDTypes.ElementSize(dtype);
        if (count > long.MaxValue / size || count * size != end - begin)
            throw new CheckpointException(path, $"tensor '{name}' has shape [{string.Join(", ", shape)}] of {dtypeText} = {count} elements × {size} bytes, but its data_offsets span {end - begin} bytes (shape/size mismatch).");
        return new SafetensorsTensorInfo(name, dtype, shape, begin, end);
    }

    private static void CheckNoOverlap(IEnumerable<SafetensorsTensorInfo> tensors, string path)
    {
        SafetensorsTensorInfo? previous = null;
        foreach (var t in tensors.Where(t => t.ByteLength > 0).OrderBy(t => t.Begin))
        {
            if (previous is not null && t.Begin < previous.End)
                throw new CheckpointException(path, $"tensors '{previous.Name}' [{previous.Begin}, {previous.End}) and '{t.Name}' [{t.Begin}, {t.End}) have overlapping data_offsets.");
            previous = t;
        }
    }
}
