using System.Text.Json;
using AttentionLens.Tokenizers.Json;

namespace AttentionLens.Tokenizers.Legacy;

/// <summary>What the older formats need from <c>tokenizer_config.json</c> and
/// <c>special_tokens_map.json</c>: casing, prefix-space and BOS/EOS flags, special token names, and
/// the added tokens (<c>added_tokens_decoder</c>).</summary>
public sealed class TokenizerConfig
{
    private readonly Dictionary<string, string> _specials = new(StringComparer.Ordinal);

    public string? TokenizerClass { get; private set; }
    public bool? DoLowerCase { get; private set; }
    public bool? StripAccents { get; private set; }
    public bool TokenizeChineseChars { get; private set; } = true;
    public bool? AddPrefixSpace { get; private set; }
    public bool? AddBosToken { get; private set; }
    public bool? AddEosToken { get; private set; }
    public bool? TrimOffsets { get; private set; }
    public bool? Legacy { get; private set; }
    public List<AddedToken> AddedTokens { get; } = new();

    /// <summary>A special token by role ("bos_token", "cls_token", …), if the files name one.</summary>
    public string? Special(string role) => _specials.GetValueOrDefault(role);

    public static TokenizerConfig Load(string directory)
    {
        var config = new TokenizerConfig();
        var map = Path.Combine(directory, "special_tokens_map.json");
        if (File.Exists(map))
        {
            using var doc = JsonSection.Parse(map);
            config.ReadSpecials(new JsonSection(doc.RootElement, map, ""));
        }
        var file = Path.Combine(directory, "tokenizer_config.json");
        if (!File.Exists(file)) return config;
        using (var doc = JsonSection.Parse(file))
        {
            var root = new JsonSection(doc.RootElement, file, "");
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw root.Error("", "must be a JSON object.");
            config.ReadSpecials(root);
            config.TokenizerClass = root.GetStringOrNull("tokenizer_class");
            config.DoLowerCase = root.GetBoolOrNull("do_lower_case");
            config.StripAccents = root.GetBoolOrNull("strip_accents");
            config.TokenizeChineseChars = root.GetBool("tokenize_chinese_chars", true);
            config.AddPrefixSpace = root.GetBoolOrNull("add_prefix_space");
            config.AddBosToken = root.GetBoolOrNull("add_bos_token");
            config.AddEosToken = root.GetBoolOrNull("add_eos_token");
            config.TrimOffsets = root.GetBoolOrNull("trim_offsets");
            config.Legacy = root.GetBoolOrNull("legacy");
            if (root.GetOptional("added_tokens_decoder") is { } added)
            {
                foreach (var (id, t) in added.Properties())
                {
                    if (!int.TryParse(id, out var n)) throw t.Error("", $"key \"{id}\" is not a token id.");
                    var special = t.GetBool("special", false);
                    config.AddedTokens.Add(new AddedToken(n, t.GetString("content"), special, t.GetBool("single_word", false),
                        t.GetBool("lstrip", false), t.GetBool("rstrip", false), t.GetBool("normalized", !special)));
                }
            }
        }
        return config;
    }

    private void ReadSpecials(JsonSection root)
    {
        foreach (var role in new[] { "bos_token", "eos_token", "unk_token", "sep_token", "cls_token", "pad_token", "mask_token" })
        {
            if (root.GetOptional(role) is not { } v) continue;
            var content = v.Element.ValueKind == JsonValueKind.String ? v.AsString() : v.GetString("content");
            _specials[role] = content;
        }
    }
}
