using System.Text.Json;
using System.Text.Json.Nodes;
using AttentionLens.Server.Protocol;
using AttentionLens.Server.Services;

namespace AttentionLens.Tests.Server;

/// <summary>
/// The server with the real pipeline (CoreModelBackend) on stories260K: every golden sentence of
/// shared/golden/tokenizers (Hugging Face tokenizers' ids and UTF-16 offsets) is put inside a
/// document after a CRLF header line, analysed through the server loop, and each token's LSP range
/// must be the golden offset mapped into the document.
/// </summary>
public class RealPipelineTests
{
    [Fact]
    public async Task TokenRangesAreTheGoldenUtf16OffsetsMappedIntoTheDocument()
    {
        var model = SharedData.Path("models", "stories260K");
        using var golden = JsonDocument.Parse(File.ReadAllBytes(SharedData.Path("golden", "tokenizers", "stories260K-tok512", "golden.json")));
        await using var client = new InMemoryClient(new CoreModelBackend());
        await client.InitializeAsync();
        const string header = "// header line\r\n";
        var failures = new List<string>();
        var checkedTokens = 0;
        var n = 0;
        foreach (var sample in golden.RootElement.GetProperty("results").EnumerateArray())
        {
            var sentence = sample.GetProperty("text").GetString()!;
            if (sentence.Length == 0) continue;
            var uri = $"file:///golden/{n++}.txt";
            var text = header + sentence + "\n";
            await client.OpenAsync(uri, text);
            var doc = new TextDocument(text, 1);
            var range = doc.RangeOf(header.Length, header.Length + sentence.Length);
            var response = await client.RequestAsync(Methods.Analyze, new JsonObject
            {
                ["textDocument"] = new JsonObject { ["uri"] = uri },
                ["range"] = JsonSerializer.SerializeToNode(range, ProtocolJsonContext.Default.Range),
                ["model"] = model,
                ["methods"] = new JsonArray("rollout"),
            });
            if (!response.TryGetProperty("result", out var result))
            {
                failures.Add($"'{sentence}': {response}");
                continue;
            }
            var ids = sample.GetProperty("ids").EnumerateArray().Select(i => i.GetInt32()).ToArray();
            var offsets = sample.GetProperty("offsets_utf16").EnumerateArray().Select(o => (o[0].GetInt32(), o[1].GetInt32())).ToArray();
            var tokens = result.GetProperty("tokens").EnumerateArray().ToArray();
            if (tokens.Length != ids.Length)
            {
                failures.Add($"'{sentence}': {tokens.Length} tokens, golden {ids.Length}");
                continue;
            }
            for (var i = 0; i < ids.Length; i++)
            {
                var got = tokens[i].GetProperty("range").Deserialize(ProtocolJsonContext.Default.Range)!;
                var want = doc.RangeOf(header.Length + offsets[i].Item1, header.Length + offsets[i].Item2);
                var id = tokens[i].GetProperty("id").GetInt32();
                if (id != ids[i] || got != want)
                    failures.Add($"'{sentence}' token {i}: id {id} range {got} — golden id {ids[i]} range {want}");
                checkedTokens++;
            }
            var rollout = result.GetProperty("rollout");
            var cols = rollout.GetProperty("cols").GetInt32();
            var data = rollout.GetProperty("data").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            for (var r = 0; r < data.Length / cols; r++)
            {
                var sum = data.Skip(r * cols).Take(cols).Sum();
                if (Math.Abs(sum - 1) > 1e-9) failures.Add($"'{sentence}': rollout row {r} sums to {sum:R}");
            }
        }
        Assert.True(n >= 30, $"only {n} golden sentences");
        Assert.True(failures.Count == 0, $"{failures.Count} mismatches over {checkedTokens} tokens; first ones:\n" + string.Join("\n", failures.Take(10)));
    }
}
