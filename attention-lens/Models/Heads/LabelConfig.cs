using System.Text.Json.Serialization;
using AttentionLens.Checkpoints;

namespace AttentionLens.Models.Heads;

/// <summary>The label fields of any <c>config.json</c> (PretrainedConfig): <c>id2label</c> and <c>num_labels</c>.</summary>
public sealed record LabelConfig
{
    [JsonPropertyName("id2label")] public Dictionary<string, string>? Id2Label { get; set; }
    [JsonPropertyName("num_labels")] public int? NumLabels { get; set; }

    /// <summary>
    /// Names for <paramref name="count"/> classes (the classifier's stored rows): id2label[i], or
    /// transformers' default LABEL_i where the config has none. A config whose id2label names a
    /// different number of classes than the weights hold does not belong to them.
    /// </summary>
    public IReadOnlyList<string> Names(int count, string configPath)
    {
        if (Id2Label is { Count: > 0 } map && map.Count != count)
            throw new CheckpointException(configPath, $"config.json id2label has {map.Count} labels but the classifier has {count} outputs; the config does not belong to these weights.");
        var names = new string[count];
        for (int i = 0; i < count; i++)
            names[i] = Id2Label is not null && Id2Label.TryGetValue(i.ToString(System.Globalization.CultureInfo.InvariantCulture), out var name) ? name : $"LABEL_{i}";
        return names;
    }

    public static LabelConfig Read(ConfigFile config) => config.As(EncodersJsonContext.Default.LabelConfig);
}
