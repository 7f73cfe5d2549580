using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace AttentionLens.Server.Lsp;

/// <summary>Writes one LSP frame at a time (header + body) to the output pipe; safe from any thread.</summary>
internal sealed class FrameWriter(PipeWriter writer)
{
    private readonly SemaphoreSlim gate = new(1, 1);

    public async Task WriteAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
    {
        var header = Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n");
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            writer.Write(header);
            writer.Write(body.Span);
            await writer.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }
}
