namespace AttentionLens.Tokenizers.Library;

/// <summary>
/// A tiktoken-format BPE file (OpenAI's <c>*.tiktoken</c>; the original Llama 3 <c>tokenizer.model</c>):
/// one <c>base64(token bytes) rank</c> per line, rank = id = merge priority. The file carries neither
/// the pre-tokenization pattern nor the special tokens; both follow from its size as its publishers
/// define them (see <see cref="TiktokenModelTokenizer"/>).
/// </summary>
public sealed class TiktokenFile
{
    private TiktokenFile(string path, byte[][] tokens)
    {
        Path = path;
        Tokens = tokens;
    }

    public string Path { get; }

    /// <summary>The token bytes by rank.</summary>
    public byte[][] Tokens { get; }

    /// <summary>Whether the file looks like tiktoken's format (its first line is "base64 integer");
    /// a SentencePiece protobuf starts with a field tag byte instead.</summary>
    public static bool Sniff(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> head = stackalloc byte[128];
        var n = stream.Read(head);
        var end = head[..n].IndexOf((byte)'\n');
        return IsTiktokenLine(head[..(end < 0 ? n : end)]);
    }

    /// <summary>
    /// Whether <paramref name="line"/> is <c>[A-Za-z0-9+/]+={0,2} [0-9]+\r?</c>, checked by hand: a
    /// Regex here would build and JIT the regex engine on every SentencePiece model load (about a
    /// sixth of the server's first analysis, measured by scripts/bench-server-startup.sh).
    /// </summary>
    public static bool IsTiktokenLine(ReadOnlySpan<byte> line)
    {
        if (line is [.., (byte)'\r']) line = line[..^1];
        var i = 0;
        while (i < line.Length && IsBase64Char(line[i])) i++;
        if (i == 0) return false;
        var padding = 0;
        while (i < line.Length && line[i] == (byte)'=' && padding < 2) { i++; padding++; }
        if (i >= line.Length || line[i] != (byte)' ') return false;
        var digits = line[(i + 1)..];
        return digits.Length > 0 && !digits.ContainsAnyExceptInRange((byte)'0', (byte)'9');
    }

    private static bool IsBase64Char(byte b) =>
        b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'+' or (byte)'/';

    public static TiktokenFile Load(string path)
    {
        var list = new List<byte[]>();
        var lineNumber = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNumber++;
            var line = raw.TrimEnd('\r');
            if (line.Length == 0) continue;
            var space = line.IndexOf(' ');
            if (space <= 0 || !int.TryParse(line.AsSpan(space + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var rank))
                throw new TokenizerException(path, $"line {lineNumber}", "expected \"<base64 token> <rank>\": this is not a tiktoken BPE file.");
            if (rank != list.Count)
                throw new TokenizerException(path, $"line {lineNumber}", $"rank {rank} where {list.Count} was expected: ranks must run 0, 1, 2, ... without gaps.");
            try
            {
                list.Add(Convert.FromBase64String(line[..space]));
            }
            catch (FormatException e)
            {
                throw new TokenizerException(path, $"line {lineNumber}", "the token is not valid base64.", e);
            }
        }
        if (list.Count < 256) throw new TokenizerException(path, "", $"has {list.Count} tokens; a byte-level BPE needs at least the 256 single bytes.");
        return new TiktokenFile(path, list.ToArray());
    }
}
