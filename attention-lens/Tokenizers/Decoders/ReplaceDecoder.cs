using AttentionLens.Tokenizers.Normalizers;

namespace AttentionLens.Tokenizers.Decoders;

/// <summary>Replace: replaces every match of a pattern in each token.</summary>
public sealed class ReplaceDecoder : IDecoder
{
    public ReplaceDecoder(Pattern pattern, string content)
    {
        Pattern = pattern;
        Content = content;
    }

    public Pattern Pattern { get; }
    public string Content { get; }

    public List<string> DecodeChain(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        foreach (var token in tokens)
        {
            var matches = Pattern.Matches(token);
            if (matches.Count == 0)
            {
                result.Add(token);
                continue;
            }
            var sb = new System.Text.StringBuilder();
            var last = 0;
            foreach (var (s, e) in matches)
            {
                sb.Append(token, last, s - last).Append(Content);
                last = e;
            }
            result.Add(sb.Append(token, last, token.Length - last).ToString());
        }
        return result;
    }
}
