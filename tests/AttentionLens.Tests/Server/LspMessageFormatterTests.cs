using System.Buffers;
using System.Text;
using System.Text.Json;
using AttentionLens.Server.Lsp;
using AttentionLens.Server.Protocol;

namespace AttentionLens.Tests.Server;

/// <summary>The formatter StreamJsonRpc uses: source-generated metadata only, and the shape check of each message.</summary>
public class LspMessageFormatterTests
{
    private sealed record NotInAnyContext(int X);

    [Fact]
    public void EveryProtocolTypeResolvesFromTheSourceGeneratedContext_AndOthersFailInsteadOfReflecting()
    {
        var options = new LspMessageFormatter().JsonSerializerOptions;
        foreach (var type in new[] { typeof(AnalyzeResult), typeof(CompareResult), typeof(AttentionResult), typeof(InitializeResult), typeof(ResponseError), typeof(ErrorData), typeof(ProgressParams), typeof(LogMessageParams), typeof(Hover), typeof(ListModelsResult), typeof(ServerStatsResult) })
        {
            var info = options.GetTypeInfo(type);
            Assert.True(info.OriginatingResolver is ProtocolJsonContext, $"{type.Name} resolved by {info.OriginatingResolver?.GetType().Name}, not the source-generated context");
        }
        // A type in no context must fail loudly (no silent reflection fallback on the hot path).
        Assert.ThrowsAny<NotSupportedException>(() => JsonSerializer.Serialize(new NotInAnyContext(1), options));
    }

    private static MessageShape.Fault? Check(string body) => MessageShape.Check(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(body)));

    [Theory]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\"}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"method\":\"x\",\"params\":{\"a\":[1,{\"b\":2}]}}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":\"s\",\"result\":null}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":1,\"message\":\"m\"}}")]
    public void WellFormedMessagesPass(string body) => Assert.Null(Check(body));

    [Theory]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":7,", -32700, null)]
    [InlineData("", -32700, null)]
    [InlineData("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\"}]", -32600, null)]
    [InlineData("42", -32600, null)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":42}", -32600, "8")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":\"q\",\"method\":null}", -32600, "\"q\"")]
    [InlineData("{\"id\":9,\"method\":\"x\"}", -32600, "9")]
    [InlineData("{\"jsonrpc\":\"1.0\",\"id\":9,\"method\":\"x\"}", -32600, "9")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"x\"}", -32600, null)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":5}", -32600, "5")]
    [InlineData("{\"jsonrpc\":\"2.0\"}", -32600, null)]
    public void MalformedMessagesGetTheirCodeAndEchoAReadableId(string body, int code, string? id)
    {
        var fault = Check(body);
        Assert.NotNull(fault);
        Assert.Equal(code, fault.Value.Code);
        Assert.Equal(id, fault.Value.Id?.GetRawText());
    }
}
