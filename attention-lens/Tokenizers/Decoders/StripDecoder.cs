namespace AttentionLens.Tokenizers.Decoders;

/// <summary>Strip: removes up to <see cref="Start"/> leading and <see cref="Stop"/> trailing
/// <see cref="Content"/> characters from every token.</summary>
public sealed class StripDecoder : IDecoder
{
    public StripDecoder(char content, int start, int stop)
    {
        Content = content;
        Start = start;
        Stop = stop;
    }

    public char Content { get; }
    public int Start { get; }
    public int Stop { get; }

    public List<string> DecodeChain(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        foreach (var token in tokens)
        {
            var s = 0;
            while (s < Start && s < token.Length && token[s] == Content) s++;
            var e = token.Length;
            var cut = 0;
            while (cut < Stop && e > s && token[e - 1] == Content) { e--; cut++; }
            result.Add(token[s..e]);
        }
        return result;
    }
}
