using AttentionLens.Tokenizers.Models;

namespace AttentionLens.Tokenizers.Legacy;

/// <summary>The added tokens of an older-format checkpoint: <c>added_tokens_decoder</c> when the
/// config has it, else the named special tokens (bos, eos, unk, …) found in the vocabulary, matched
/// un-normalized as transformers registers them.</summary>
public static class SpecialTokens
{
    public static List<AddedToken> Collect(TokenizerConfig config, Vocabulary vocab)
    {
        var result = new List<AddedToken>(config.AddedTokens);
        var seen = new HashSet<string>(result.Select(t => t.Content), StringComparer.Ordinal);
        foreach (var role in new[] { "unk_token", "bos_token", "eos_token", "sep_token", "cls_token", "pad_token", "mask_token" })
        {
            var content = config.Special(role);
            if (content is null || !seen.Add(content)) continue;
            if (vocab[content] is int id) result.Add(new AddedToken(id, content, Special: true, Lstrip: role == "mask_token" && content == "<mask>"));
        }
        return result;
    }
}
