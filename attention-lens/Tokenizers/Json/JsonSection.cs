using System.Text.Json;

namespace AttentionLens.Tokenizers.Json;

/// <summary>
/// A typed, path-aware view of one object of a tokenizer JSON file: every getter validates the kind
/// of the field and fails with a <see cref="TokenizerException"/> naming the file and the JSON path
/// (e.g. <c>tokenizer.json: field 'model.merges[12]'</c>). Builders read the file only through it.
/// </summary>
public readonly struct JsonSection
{
    public JsonSection(JsonElement element, string file, string path)
    {
        Element = element;
        File = file;
        Path = path;
    }

    public JsonElement Element { get; }
    public string File { get; }
    public string Path { get; }

    public bool IsNull => Element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined;

    private string Child(string name) => string.IsNullOrEmpty(Path) ? name : $"{Path}.{name}";

    public TokenizerException Error(string field, string fault) => new(File, field.Length == 0 ? Path : Child(field), fault);

    public bool Has(string name) =>
        Element.ValueKind == JsonValueKind.Object && Element.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    public JsonSection Get(string name)
    {
        if (Element.ValueKind != JsonValueKind.Object)
            throw new TokenizerException(File, Path, $"expected an object, found {Element.ValueKind}.");
        if (!Element.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            throw new TokenizerException(File, Child(name), "is missing. The file is incomplete or not a Hugging Face tokenizer file.");
        return new JsonSection(v, File, Child(name));
    }

    public JsonSection? GetOptional(string name) =>
        Has(name) ? new JsonSection(Element.GetProperty(name), File, Child(name)) : null;

    public string GetString(string name)
    {
        var v = Get(name);
        return v.Element.ValueKind == JsonValueKind.String ? v.Element.GetString()! : throw new TokenizerException(File, v.Path, $"expected a string, found {v.Element.ValueKind}.");
    }

    public string? GetStringOrNull(string name) => Has(name) ? GetString(name) : null;

    public bool GetBool(string name, bool defaultValue)
    {
        if (!Has(name)) return defaultValue;
        var v = Element.GetProperty(name);
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new TokenizerException(File, Child(name), $"expected true or false, found {v.ValueKind}."),
        };
    }

    public bool? GetBoolOrNull(string name) => Has(name) ? GetBool(name, false) : null;

    public int GetInt(string name, int defaultValue)
    {
        if (!Has(name)) return defaultValue;
        var v = Element.GetProperty(name);
        return v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : throw new TokenizerException(File, Child(name), $"expected an integer, found {v}.");
    }

    public double AsDouble() =>
        Element.ValueKind == JsonValueKind.Number ? Element.GetDouble() : throw new TokenizerException(File, Path, $"expected a number, found {Element.ValueKind}.");

    public int AsInt() =>
        Element.ValueKind == JsonValueKind.Number && Element.TryGetInt32(out var i) ? i : throw new TokenizerException(File, Path, $"expected an integer, found {Element.ValueKind}.");

    public string AsString() =>
        Element.ValueKind == JsonValueKind.String ? Element.GetString()! : throw new TokenizerException(File, Path, $"expected a string, found {Element.ValueKind}.");

    public IEnumerable<JsonSection> Items()
    {
        if (Element.ValueKind != JsonValueKind.Array)
            throw new TokenizerException(File, Path, $"expected an array, found {Element.ValueKind}.");
        var i = 0;
        foreach (var item in Element.EnumerateArray()) yield return new JsonSection(item, File, $"{Path}[{i++}]");
    }

    public IEnumerable<(string Name, JsonSection Value)> Properties()
    {
        if (Element.ValueKind != JsonValueKind.Object)
            throw new TokenizerException(File, Path, $"expected an object, found {Element.ValueKind}.");
        foreach (var p in Element.EnumerateObject()) yield return (p.Name, new JsonSection(p.Value, File, Child(p.Name)));
    }

    /// <summary>The stage's "type" discriminator.</summary>
    public string Type => GetString("type");

    public TokenizerException UnknownType(IEnumerable<string> known) =>
        new(File, Child("type"), $"unknown type \"{Type}\". Supported: {string.Join(", ", known)}.");

    /// <summary>Parses a whole file, turning malformed JSON into an error naming the file and position.</summary>
    public static JsonDocument Parse(string file)
    {
        try
        {
            // stat before opening: a FIFO would block the open and a device (/dev/zero) never ends;
            // both report size 0, as an empty file does, and none of them is a tokenizer file.
            var info = new FileInfo(file);
            if (info.LinkTarget is not null && System.IO.File.ResolveLinkTarget(file, returnFinalTarget: true) is FileInfo target) info = target;
            if (info.Exists && info.Length == 0)
                throw new TokenizerException(file, "", "is empty, or is not a regular file (a device, pipe or socket).");
            var bytes = System.IO.File.ReadAllBytes(file);
            // JsonDocument checks UTF-8 inside strings only when one is read, and then throws
            // InvalidOperationException from deep in a builder; refuse the file here instead.
            if (!System.Text.Unicode.Utf8.IsValid(bytes))
                throw new TokenizerException(file, "", "is not valid UTF-8 text; a tokenizer.json is UTF-8 JSON.");
            return JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowTrailingCommas = true, MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            throw new TokenizerException(file, "", $"is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine}): {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TokenizerException(file, "", $"cannot be read: {e.Message}", e);
        }
    }
}
