using System.IO.Pipelines;
using System.Text;
using AttentionLens.Server.Lsp;

namespace AttentionLens.Tests.Server;

/// <summary>LSP base framing: headers, split delivery, and recovery from bad or truncated frames.</summary>
public class FrameReaderTests
{
    private static async Task<List<Frame>> ReadAll(params string[] chunks)
    {
        var pipe = new Pipe();
        var reader = new FrameReader(pipe.Reader, maxContentLength: 1000);
        var writing = Task.Run(async () =>
        {
            foreach (var c in chunks)
            {
                await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(c));
                await Task.Yield();
            }
            await pipe.Writer.CompleteAsync();
        });
        var frames = new List<Frame>();
        while (true)
        {
            var f = await reader.ReadAsync(CancellationToken.None);
            frames.Add(f);
            if (f.Kind == FrameKind.End) break;
        }
        await writing;
        return frames;
    }

    private static string Body(Frame f) => Encoding.UTF8.GetString(f.Body!);

    [Fact]
    public async Task ReadsFramesSplitAnywhereAndAcceptsContentType()
    {
        var frames = await ReadAll("Content-Le", "ngth: 2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r", "\n{}", "Content-Length: 4\r\n\r\n\"é\"");
        Assert.Equal([FrameKind.Message, FrameKind.Message, FrameKind.End], frames.Select(f => f.Kind));
        Assert.Equal("{}", Body(frames[0]));
        Assert.Equal("\"é\"", Body(frames[1]));
        Assert.Null(frames[2].Fault);
    }

    [Theory]
    [InlineData("Content-Length: x1\r\n\r\n", "not a non-negative integer")]
    [InlineData("Content-Length: -5\r\n\r\n", "not a non-negative integer")]
    [InlineData("Content-Length: 99999999999\r\n\r\n", "exceeds the limit")]
    [InlineData("Content-Type: text/plain\r\n\r\n", "missing Content-Length")]
    [InlineData("garbage\r\n\r\n", "malformed header line")]
    public async Task BadHeadersAreFaultsAndTheNextFrameIsStillRead(string bad, string fault)
    {
        var frames = await ReadAll(bad + "{\"x\":1}", "Content-Length: 2\r\n\r\n[]");
        Assert.Equal([FrameKind.Fault, FrameKind.Message, FrameKind.End], frames.Select(f => f.Kind));
        Assert.Contains(fault, frames[0].Fault);
        Assert.Equal("[]", Body(frames[1]));
    }

    [Fact]
    public async Task AnOverstatedLengthThatSwallowsTheNextHeaderResumesThere()
    {
        var frames = await ReadAll("Content-Length: 30\r\n\r\n{\"a\":", "Content-Length: 2\r\n\r\n{}", "Content-Length: 2\r\n\r\n[]");
        Assert.Equal([FrameKind.Fault, FrameKind.Message, FrameKind.Message, FrameKind.End], frames.Select(f => f.Kind));
        Assert.Contains("truncated frame", frames[0].Fault);
        Assert.Equal("{}", Body(frames[1]));
    }

    [Fact]
    public async Task InputEndingInsideAFrameEndsWithAFault()
    {
        var frames = await ReadAll("Content-Length: 10\r\n\r\n{\"a\"");
        Assert.Equal([FrameKind.End], frames.Select(f => f.Kind));
        Assert.Contains("input ended inside a frame", frames[0].Fault);
    }
}
