using System.Text;

namespace AttentionLens.Tokenizers.Pipeline;

/// <summary>
/// Rewrites a <see cref="NormalizedString"/> left to right, keeping the alignment map as the Rust
/// <c>NormalizedString::transform_range</c> does: a rune that replaces the one under the cursor takes
/// that rune's original range; an inserted rune takes the range of the unit just before the cursor
/// (the last consumed one), or an empty range at the piece start when nothing was consumed yet.
/// </summary>
public sealed class NormalizedTransformer
{
    private readonly NormalizedString _source;
    private readonly StringBuilder _text;
    private readonly List<int> _starts;
    private readonly List<int> _ends;
    private int _cursor;

    internal NormalizedTransformer(NormalizedString source)
    {
        _source = source;
        _text = new StringBuilder(source.Length + 8);
        _starts = new List<int>(source.Length + 8);
        _ends = new List<int>(source.Length + 8);
    }

    /// <summary>Position of the cursor in the source text (UTF-16 units).</summary>
    public int Cursor => _cursor;

    public bool AtEnd => _cursor >= _source.Length;

    /// <summary>The rune under the cursor (a lone surrogate reads as U+FFFD).</summary>
    public Rune Current => Rune.DecodeFromUtf16(_source.Text.AsSpan(_cursor), out var r, out _) == System.Buffers.OperationStatus.Done ? r : Rune.ReplacementChar;

    private int CurrentWidth => char.IsHighSurrogate(_source.Text[_cursor]) && _cursor + 1 < _source.Length && char.IsLowSurrogate(_source.Text[_cursor + 1]) ? 2 : 1;

    /// <summary>Copies the rune under the cursor unchanged.</summary>
    public void Keep()
    {
        var w = CurrentWidth;
        for (var i = 0; i < w; i++)
        {
            _text.Append(_source.Text[_cursor + i]);
            _starts.Add(_source.StartAt(_cursor + i));
            _ends.Add(_source.EndAt(_cursor + i));
        }
        _cursor += w;
    }

    /// <summary>Copies the source units up to <paramref name="position"/> unchanged.</summary>
    public void KeepUntil(int position)
    {
        while (_cursor < position) Keep();
    }

    /// <summary>Replaces the rune under the cursor with <paramref name="r"/> (change 0).</summary>
    public void Emit(Rune r)
    {
        var w = CurrentWidth;
        var start = _source.StartAt(_cursor);
        var end = _source.EndAt(_cursor + w - 1);
        Append(r, start, end);
        _cursor += w;
    }

    /// <summary>Inserts <paramref name="r"/> before the cursor (change +1).</summary>
    public void Insert(Rune r)
    {
        int start, end;
        if (_cursor > 0)
        {
            start = _source.StartAt(_cursor - 1);
            end = _source.EndAt(_cursor - 1);
        }
        else
        {
            start = end = _source.OriginalStart;
        }
        Append(r, start, end);
    }

    /// <summary>Inserts every rune of <paramref name="s"/> before the cursor.</summary>
    public void Insert(string s)
    {
        foreach (var r in s.EnumerateRunes()) Insert(r);
    }

    /// <summary>Removes the rune under the cursor.</summary>
    public void Skip() => _cursor += CurrentWidth;

    /// <summary>Removes the source units up to <paramref name="position"/>.</summary>
    public void SkipUntil(int position)
    {
        while (_cursor < position) Skip();
    }

    private void Append(Rune r, int start, int end)
    {
        Span<char> buf = stackalloc char[2];
        var n = r.EncodeToUtf16(buf);
        for (var i = 0; i < n; i++)
        {
            _text.Append(buf[i]);
            _starts.Add(start);
            _ends.Add(end);
        }
    }

    /// <summary>Keeps the rest of the source and replaces the source's content with the result.</summary>
    public void Commit()
    {
        KeepUntil(_source.Length);
        _source.Replace(_text.ToString(), _starts.ToArray(), _ends.ToArray());
    }
}
