using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace AttentionLens.Checkpoints;

/// <summary>A checkpoint's <c>config.json</c>: its <see cref="ConfigHeader"/> and typed views of it.</summary>
public sealed class ConfigFile
{
    private const long MaxBytes = 16 << 20;
    private readonly string _json;

    private ConfigFile(string path, string json, ConfigHeader header)
    {
        Path = path;
        _json = json;
        Header = header;
    }

    public string Path { get; }

    public ConfigHeader Header { get; }

    public string ModelType => Header.ModelType ?? "";

    /// <summary>The first <c>architectures</c> entry, or the model type.</summary>
    public string Architecture => Header.Architectures is { Length: > 0 } a ? a[0] : ModelType;

    public static ConfigFile Open(string directory)
    {
        var path = CheckpointFile.FullPath(System.IO.Path.Combine(directory, "config.json"));
        if (!File.Exists(path) && !Directory.Exists(path)) throw new CheckpointException(path, "config.json not found; a Hugging Face checkpoint folder holds config.json beside its weights.");
        var json = CheckpointFile.ReadAllText(path, MaxBytes, "config.json");
        var header = Parse(path, json, CheckpointJsonContext.Default.ConfigHeader);
        if (string.IsNullOrEmpty(header.ModelType))
            throw new CheckpointException(path, "config.json has no \"model_type\"; it is needed to pick the architecture.");
        if (header.Architectures is { } architectures && architectures.Any(string.IsNullOrEmpty))
            throw new CheckpointException(path, "config.json has an \"architectures\" entry that is null or empty; each names a model class such as \"BertForMaskedLM\".");
        return new ConfigFile(path, json, header);
    }

    /// <summary>The config as <typeparamref name="T"/> (a record with Hugging Face field names).</summary>
    public T As<T>(JsonTypeInfo<T> type) => Parse(Path, _json, type);

    private static T Parse<T>(string path, string json, JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(json, type) ?? throw new CheckpointException(path, "config.json is null.");
        }
        catch (JsonException e)
        {
            throw new CheckpointException(path, $"config.json cannot be read ({e.Message}).", e);
        }
    }
}
