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
    private int? _padTokenId;

    /// <summary>The config's pad_token_id; see <see cref="PadTokenIdOr"/> for the family defaults.</summary>
    [JsonPropertyName("pad_token_id")]
    public int? PadTokenId
    {
        get => _padTokenId;
        set
        {
            _padTokenId = value;
            PadTokenIdGiven = true;
        }
    }

    /// <summary>True when config.json has a pad_token_id field (null included).</summary>
    [JsonIgnore] public bool PadTokenIdGiven { get; private set; }

    /// <summary>This config with the family's default pad_token_id where the file has none
    /// (configuration_phi3.py 32000, configuration_gemma.py 0, configuration_opt.py 1…).</summary>
    public DecoderHeadConfig PadTokenIdOr(int? familyDefault) =>
        PadTokenIdGiven ? this : new DecoderHeadConfig { PadTokenId = familyDefault, Id2Label = Id2Label, NumLabels = NumLabels };
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
