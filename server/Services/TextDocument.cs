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

    /// <summary>
    /// Refuses a position no editor could send for this document: a negative line or character,
    /// or a line past the last one. (A character past the line's end is allowed and clamps, as
    /// LSP specifies.) <paramref name="field"/> names the parameter in the error.
    /// </summary>
    public void Validate(Position position, string field)
    {
        if (position.Line < 0 || position.Character < 0)
            throw new InvalidParamsException($"{field} ({position.Line}:{position.Character}) must have a non-negative line and character.");
        if (position.Line >= lineStarts.Length)
            throw new InvalidParamsException($"{field}.line {position.Line} is past the last line ({lineStarts.Length - 1}) of the document.");
    }

    /// <summary>Validates both ends and their order (start ≤ end).</summary>
    public void Validate(Range range, string field)
    {
        Validate(range.Start, field + ".start");
        Validate(range.End, field + ".end");
        if (OffsetAt(range.Start) > OffsetAt(range.End))
            throw new InvalidParamsException($"{field} ends ({range.End.Line}:{range.End.Character}) before it starts ({range.Start.Line}:{range.Start.Character}).");
    }

    /// <summary>
    /// The range widened to code-point boundaries: a start between the two halves of a surrogate
    /// pair moves before the pair, an end inside one moves after it, so an analysis never sees
    /// half a character (which a tokenizer would read as U+FFFD).
    /// </summary>
    public Range SnapToCodePoints(Range range)
    {
        var start = OffsetAt(range.Start);
        var end = OffsetAt(range.End);
        var snappedStart = InsidePair(start) ? start - 1 : start;
        var snappedEnd = InsidePair(end) ? end + 1 : end;
        return snappedStart == start && snappedEnd == end ? range : RangeOf(snappedStart, snappedEnd);
    }

    /// <summary>True when <paramref name="offset"/> falls between a high and a low surrogate.</summary>
    private bool InsidePair(int offset) =>
        offset > 0 && offset < Text.Length && char.IsHighSurrogate(Text[offset - 1]) && char.IsLowSurrogate(Text[offset]);

    private int LineContentEnd(int line)
    {
        var end = line + 1 < lineStarts.Length ? lineStarts[line + 1] : Text.Length;
        while (end > lineStarts[line] && Text[end - 1] is '\n' or '\r') end--;
        return end;
    }
}
