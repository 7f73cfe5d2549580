using System.Text.Json.Serialization;
using AttentionLens.Checkpoints;

namespace AttentionLens.Models;

/// <summary>
/// The fields of <c>config.json</c> a decoder's task head reads (configuration_utils.py
/// PretrainedConfig): <c>pad_token_id</c>, which the sequence classifiers use to find the last real
/// token, and <c>id2label</c>, the label names.
/// </summary>
public sealed record DecoderHeadConfig
{
    [JsonPropertyName("pad_token_id")] public int? PadTokenId { get; set; }
    [JsonPropertyName("id2label")] public Dictionary<string, string>? Id2Label { get; set; }
    [JsonPropertyName("num_labels")] public int? NumLabels { get; set; }

    /// <summary>Label names by id for <paramref name="count"/> classes: id2label where given, LABEL_i elsewhere.</summary>
    public IReadOnlyList<string> Labels(int count, string configPath)
    {
        var names = Enumerable.Range(0, count).Select(i => $"LABEL_{i}").ToArray();
        if (Id2Label is null) return names;
        foreach (var (key, value) in Id2Label)
        {
            if (!int.TryParse(key, out int id) || id < 0 || id >= count)
                throw new CheckpointException(configPath, $"config.json id2label has key '{key}', not a label id in 0..{count - 1} (the classifier has {count} outputs).");
            names[id] = value;
        }
        return names;
    }
}
