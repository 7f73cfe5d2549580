using AttentionLens.Server.Protocol;
using AttentionLens.Server.Services;
using Range = AttentionLens.Server.Protocol.Range;

namespace AttentionLens.Tests.Server;

/// <summary>LSP positions (line, UTF-16 character) over \n, \r\n and \r, and incremental edits.</summary>
public class TextDocumentTests
{
    [Fact]
    public void PositionsCountUtf16UnitsAndEveryLineBreakKind()
    {
        var doc = new TextDocument("a😀b\r\ncd\re\nf", 1);
        Assert.Equal(4, doc.LineCount);
        Assert.Equal(3, doc.OffsetAt(new Position(0, 3)));   // after the surrogate pair
        Assert.Equal(4, doc.OffsetAt(new Position(0, 99)));  // clamps to the line end, before \r\n
        Assert.Equal(new Position(1, 1), doc.PositionAt(7));
        Assert.Equal(new Position(2, 0), doc.PositionAt(9));
        Assert.Equal(new Position(3, 1), doc.PositionAt(12));
        Assert.Equal(doc.Text.Length, doc.OffsetAt(new Position(10, 0)));
    }

    [Fact]
    public void IncrementalEditsApplyInOrderAndFullTextReplaces()
    {
        var doc = new TextDocument("hello\nworld", 1);
        doc = doc.Apply(new TextDocumentContentChangeEvent("J", new Range(new Position(1, 0), new Position(1, 1))), 2);
        doc = doc.Apply(new TextDocumentContentChangeEvent("!\n", new Range(new Position(1, 5), new Position(1, 5))), 3);
        Assert.Equal("hello\nJorld!\n", doc.Text);
        Assert.Equal(3, doc.LineCount);
        Assert.Equal("new", doc.Apply(new TextDocumentContentChangeEvent("new"), 4).Text);
    }
}
