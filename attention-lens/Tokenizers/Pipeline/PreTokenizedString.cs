namespace AttentionLens.Tokenizers.Pipeline;

/// <summary>The text as a list of pieces (Rust <c>PreTokenizedString</c>): added tokens are already
/// tokenized pieces; pre-tokenizers split the others further.</summary>
public sealed class PreTokenizedString
{
    public PreTokenizedString(List<Split> splits) => Splits = splits;

    public List<Split> Splits { get; private set; }

    /// <summary>Replaces every untokenized piece by the pieces <paramref name="splitter"/> makes of it
    /// (it appends them to the list it is given, in order; empty pieces are dropped).</summary>
    public void Split(Action<NormalizedString, List<NormalizedString>> splitter) => Split(splitter, CancellationToken.None);

    /// <summary>As <see cref="Split(Action{NormalizedString, List{NormalizedString}})"/>, checking
    /// <paramref name="cancellationToken"/> before each piece.</summary>
    public void Split(Action<NormalizedString, List<NormalizedString>> splitter, CancellationToken cancellationToken)
    {
        var result = new List<Split>(Splits.Count * 2);
        var buffer = new List<NormalizedString>();
        foreach (var split in Splits)
        {
            if (split.Tokens is not null)
            {
                result.Add(split);
                continue;
            }
            cancellationToken.ThrowIfCancellationRequested();
            buffer.Clear();
            splitter(split.Normalized, buffer);
            foreach (var piece in buffer)
                if (piece.Length > 0) result.Add(new Split(piece));
        }
        Splits = result;
    }

    /// <summary>Applies <paramref name="action"/> to the normalized text of every untokenized piece.</summary>
    public void ForEachUntokenized(Action<NormalizedString> action)
    {
        foreach (var split in Splits)
            if (split.Tokens is null) action(split.Normalized);
    }
}
