using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;

namespace AttentionLens.Server.Lsp;

/// <summary>
/// Reads LSP base-protocol frames: header lines <c>Name: value\r\n</c>, an empty line, then
/// <c>Content-Length</c> bytes of UTF-8 JSON. <c>Content-Type</c> is accepted and other headers
/// ignored. A bad header (missing, non-numeric, negative or oversized length) or a frame that was
/// cut short is reported as a fault, and the reader resynchronises on the next
/// <c>Content-Length:</c> header so one bad frame never ends the session.
/// </summary>
internal sealed class FrameReader(PipeReader reader, int maxContentLength = FrameReader.DefaultMaxContentLength)
{
    public const int DefaultMaxContentLength = 64 * 1024 * 1024;
    private const int MaxHeaderBytes = 16 * 1024;
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] LengthHeader = "Content-Length:"u8.ToArray();

    private bool resync;

    public async ValueTask<Frame> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = read.Buffer;
            var outcome = TryParse(ref buffer, read.IsCompleted, out var frame);
            if (outcome == Outcome.Frame)
            {
                reader.AdvanceTo(buffer.Start, buffer.Start);
                return frame;
            }
            if (read.IsCompleted)
            {
                reader.AdvanceTo(buffer.End);
                return Frame.End(buffer.Length > 0 ? $"input ended inside a frame ({buffer.Length} bytes unread)" : null);
            }
            // Need more bytes: keep what is unparsed, mark everything examined.
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private enum Outcome { Frame, NeedMore }

    /// <summary>On <see cref="Outcome.Frame"/>, <paramref name="buffer"/> starts after what was consumed.</summary>
    private Outcome TryParse(ref ReadOnlySequence<byte> buffer, bool completed, out Frame frame)
    {
        frame = default;
        if (resync)
        {
            var at = IndexOf(buffer, LengthHeader);
            if (at < 0)
            {
                // Keep the tail that could be the start of a split "Content-Length:".
                var keep = Math.Min(buffer.Length, LengthHeader.Length - 1);
                buffer = buffer.Slice(buffer.Length - keep);
                return Outcome.NeedMore;
            }
            buffer = buffer.Slice(at);
            resync = false;
        }

        var headerEnd = IndexOf(buffer, HeaderEnd);
        if (headerEnd < 0)
        {
            if (buffer.Length > MaxHeaderBytes)
            {
                buffer = buffer.Slice(buffer.Length);
                resync = true;
                frame = Frame.Faulty($"header block longer than {MaxHeaderBytes} bytes without an empty line");
                return Outcome.Frame;
            }
            return Outcome.NeedMore;
        }

        var header = Encoding.ASCII.GetString(buffer.Slice(0, headerEnd).ToArray());
        var afterHeader = buffer.Slice(headerEnd + HeaderEnd.Length);
        var fault = ParseHeader(header, out var length);
        if (fault is not null)
        {
            buffer = afterHeader;
            resync = true;
            frame = Frame.Faulty(fault);
            return Outcome.Frame;
        }

        if (afterHeader.Length < length)
            return Outcome.NeedMore;

        var body = afterHeader.Slice(0, length).ToArray();
        // A frame whose Content-Length overstates its body swallows the start of the next frame.
        // If the body is not JSON but holds a header, treat it as cut short and resume at that header.
        var inner = body.AsSpan().IndexOf(LengthHeader);
        if (inner > 0 && !IsCompleteJson(body))
        {
            buffer = afterHeader.Slice(inner);
            frame = Frame.Faulty($"truncated frame: Content-Length {length} overran the message; {inner} bytes were read before the next header");
            return Outcome.Frame;
        }
        buffer = afterHeader.Slice(length);
        frame = Frame.Message(body);
        return Outcome.Frame;
    }

    private string? ParseHeader(string header, out int length)
    {
        length = -1;
        foreach (var line in header.Split("\r\n"))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0)
                return $"malformed header line '{Shorten(line)}' (expected 'Name: value')";
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                if (!long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
                    return $"Content-Length '{Shorten(value)}' is not a non-negative integer";
                if (parsed > maxContentLength)
                    return $"Content-Length {parsed} exceeds the limit of {maxContentLength} bytes";
                length = (int)parsed;
            }
            // Content-Type (application/vscode-jsonrpc; charset=utf-8) and unknown headers are accepted.
        }
        return length < 0 ? "missing Content-Length header" : null;
    }

    private static bool IsCompleteJson(byte[] body)
    {
        try
        {
            var r = new Utf8JsonReader(body);
            while (r.Read()) { }
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static long IndexOf(in ReadOnlySequence<byte> buffer, byte[] needle)
    {
        if (buffer.IsSingleSegment)
            return buffer.FirstSpan.IndexOf(needle);
        var seq = new SequenceReader<byte>(buffer);
        return seq.TryReadTo(out ReadOnlySequence<byte> before, needle, advancePastDelimiter: false) ? before.Length : -1;
    }

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
