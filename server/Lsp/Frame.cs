namespace AttentionLens.Server.Lsp;

/// <summary>What <see cref="FrameReader"/> read: a message body, a framing fault to answer, or the end of input.</summary>
internal readonly record struct Frame(FrameKind Kind, byte[]? Body = null, string? Fault = null)
{
    public static Frame Message(byte[] body) => new(FrameKind.Message, body);
    public static Frame Faulty(string fault) => new(FrameKind.Fault, Fault: fault);
    public static Frame End(string? fault = null) => new(FrameKind.End, Fault: fault);
}

internal enum FrameKind { Message, Fault, End }
