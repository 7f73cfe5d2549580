using AttentionLens.Server.Protocol;
using Range = AttentionLens.Server.Protocol.Range;

namespace AttentionLens.Server.Services;

/// <summary>
/// An open document: immutable text plus line starts, converting between LSP positions (line,
/// UTF-16 character) and offsets into the string (which .NET also counts in UTF-16 code units).
/// Line breaks are \n, \r\n and \r, as LSP defines them.
/// </summary>
public sealed class TextDocument
{
    private readonly int[] lineStarts;

    public TextDocument(string text, int version)
    {
        Text = text;
        Version = version;
        var starts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
            if (text[i] is '\n' or '\r') starts.Add(i + 1);
        }
        lineStarts = [.. starts];
    }

    public string Text { get; }
    public int Version { get; }
    public int LineCount => lineStarts.Length;

    /// <summary>The offset of <paramref name="position"/>; a character past the line's end clamps to it, a line past the end to the text's end.</summary>
    public int OffsetAt(Position position)
    {
        if (position.Line < 0) return 0;
        if (position.Line >= lineStarts.Length) return Text.Length;
        var start = lineStarts[position.Line];
        var end = LineContentEnd(position.Line);
        return Math.Clamp(start + position.Character, start, end);
    }

    public Position PositionAt(int offset)
    {
        offset = Math.Clamp(offset, 0, Text.Length);
        var line = Array.BinarySearch(lineStarts, offset);
        if (line < 0) line = ~line - 1;
        return new Position(line, offset - lineStarts[line]);
    }

    public Range RangeOf(int start, int end) => new(PositionAt(start), PositionAt(end));

    /// <summary>Applies one change: incremental with a range, the full text without.</summary>
    public TextDocument Apply(TextDocumentContentChangeEvent change, int version)
    {
        if (change.Range is null) return new TextDocument(change.Text, version);
        var start = OffsetAt(change.Range.Start);
        var end = Math.Max(start, OffsetAt(change.Range.End));
        return new TextDocument(string.Concat(Text.AsSpan(0, start), change.Text, Text.AsSpan(end)), version);
    }

    private int LineContentEnd(int line)
    {
        var end = line + 1 < lineStarts.Length ? lineStarts[line + 1] : Text.Length;
        while (end > lineStarts[line] && Text[end - 1] is '\n' or '\r') end--;
        return end;
    }
}
