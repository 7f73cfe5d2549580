using System.Text.Json;
using AttentionLens.Checkpoints;
using AttentionLens.Tokenizers;

namespace AttentionLens.Generation;

/// <summary>
/// The end-of-text ids that stop generation, found as transformers' <c>generate</c> finds them:
/// <c>generation_config.json</c>'s <c>eos_token_id</c> when the checkpoint has one, else
/// <c>config.json</c>'s (GenerationConfig.from_model_config); either may be one id or a list. A
/// checkpoint that names none falls back to the tokenizer's <c>eos_token</c> from
/// <c>tokenizer_config.json</c>, else none (generation then stops at the token limit).
/// </summary>
public static class StopTokens
{
    private const long MaxBytes = 16 << 20;

    public static IReadOnlyList<int> Read(string directory, ITokenizer tokenizer)
    {
        foreach (var name in new[] { "generation_config.json", "config.json" })
        {
            var path = Path.Combine(directory, name);
            if (!File.Exists(path)) continue;
            using var json = Parse(path, name);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("eos_token_id", out var eos))
            {
                var ids = Ids(eos, path);
                if (ids.Count > 0) return ids;
            }
        }
        var tokenizerConfig = Path.Combine(directory, "tokenizer_config.json");
        if (File.Exists(tokenizerConfig))
        {
            using var json = Parse(tokenizerConfig, "tokenizer_config.json");
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("eos_token", out var token))
            {
                // eos_token is a string, or an AddedToken object with its text under "content".
                var text = token.ValueKind == JsonValueKind.String ? token.GetString()
                    : token.ValueKind == JsonValueKind.Object && token.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String ? content.GetString() : null;
                if (text is not null && tokenizer.TokenToId(text) is int id) return [id];
            }
        }
        return [];
    }

    private static JsonDocument Parse(string path, string what)
    {
        try
        {
            return JsonDocument.Parse(CheckpointFile.ReadAllText(path, MaxBytes, what), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new GenerationException($"{what} cannot be read ({e.Message}); fix or remove it.", path);
        }
    }

    private static List<int> Ids(JsonElement eos, string path)
    {
        var ids = new List<int>();
        if (eos.ValueKind == JsonValueKind.Null) return ids;
        if (eos.ValueKind == JsonValueKind.Number && eos.TryGetInt32(out var one) && one >= 0) ids.Add(one);
        else if (eos.ValueKind == JsonValueKind.Array)
        {
            foreach (var e in eos.EnumerateArray())
                if (e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var id) && id >= 0) ids.Add(id);
                else throw new GenerationException($"eos_token_id holds {e.GetRawText()}; expected token ids (non-negative integers).", path);
        }
        else throw new GenerationException($"eos_token_id is {eos.GetRawText()}; expected a token id or a list of them.", path);
        return ids;
    }
}
