using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using AttentionLens.Tokenizers;

namespace AttentionLens.Server.Cli;

/// <summary>`attention-lens tokenize`: tokenize text with a checkpoint's tokenizer and print ids,
/// pieces, UTF-16 offsets into the input, the special-token mask and type ids.</summary>
internal static partial class TokenizeCommand
{
    // Non-ASCII text and <s> print as themselves (the output is data, not HTML).
    private static readonly TokenizeJsonContext Json = new(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    public static Command Create()
    {
        var tokenizerOption = new Option<string>("--tokenizer") { Required = true, Description = "Checkpoint folder (or tokenizer.json / .model file)." };
        var textOption = new Option<string?>("--text") { Description = "Text to tokenize." };
        var pairOption = new Option<string?>("--pair") { Description = "Second sequence of a sentence pair (with --text)." };
        var inputOption = new Option<string?>("--input-jsonl") { Description = "File with one {\"text\": ..., \"pair\": ...} object per line." };
        var jsonOption = new Option<bool>("--json") { Description = "Print one JSON object per input." };
        var noSpecialOption = new Option<bool>("--no-special-tokens") { Description = "Do not add the post-processor's special tokens." };
        var command = new Command("tokenize", "Tokenize text with a checkpoint's tokenizer.");
        foreach (var o in new Option[] { tokenizerOption, textOption, pairOption, inputOption, jsonOption, noSpecialOption }) command.Options.Add(o);
        command.SetAction(parseResult =>
        {
            var text = parseResult.GetValue(textOption);
            var pair = parseResult.GetValue(pairOption);
            var input = parseResult.GetValue(inputOption);
            if ((text is null) == (input is null))
            {
                Console.Error.WriteLine("tokenize: give exactly one of --text or --input-jsonl.");
                return 2;
            }
            if (pair is not null && text is null)
            {
                Console.Error.WriteLine("tokenize: --pair goes with --text (in --input-jsonl put \"pair\" in each line).");
                return 2;
            }
            var tokenizer = TokenizerLoader.Load(parseResult.GetValue(tokenizerOption)!);
            var addSpecial = !parseResult.GetValue(noSpecialOption);
            var json = parseResult.GetValue(jsonOption);
            foreach (var (t, p) in Inputs(text, pair, input))
                Print(tokenizer.Encode(t, p, addSpecial), json);
            return 0;
        });
        return command;
    }

    private static IEnumerable<(string Text, string? Pair)> Inputs(string? text, string? pair, string? inputFile)
    {
        if (text is not null)
        {
            yield return (text, pair);
            yield break;
        }
        if (!File.Exists(inputFile)) throw new AttentionLensException($"Input file '{inputFile}' does not exist.", inputFile);
        var line = 0;
        foreach (var raw in File.ReadLines(inputFile!))
        {
            line++;
            if (string.IsNullOrWhiteSpace(raw)) continue;
            TokenizeInput? input;
            try
            {
                input = JsonSerializer.Deserialize(raw, Json.TokenizeInput);
            }
            catch (JsonException e)
            {
                throw new AttentionLensException($"{Path.GetFileName(inputFile)} line {line}: not a JSON object ({e.Message}).", inputFile, e);
            }
            if (input?.Text is null)
                throw new AttentionLensException($"{Path.GetFileName(inputFile)} line {line}: field 'text' is missing; each line must be {{\"text\": ..., \"pair\": ...}}.", inputFile);
            yield return (input.Text, input.Pair);
        }
    }

    private static void Print(Encoding encoding, bool json)
    {
        if (json)
        {
            var output = new TokenizeOutput(
                encoding.Ids,
                encoding.Tokens.Select(t => t.Text).ToArray(),
                encoding.Tokens.Select(t => new[] { t.Source.Start, t.Source.End }).ToArray(),
                encoding.Tokens.Select(t => t.IsSpecial).ToArray(),
                encoding.TypeIds);
            Console.Out.WriteLine(JsonSerializer.Serialize(output, Json.TokenizeOutput));
            return;
        }
        foreach (var t in encoding.Tokens)
            Console.Out.WriteLine($"{t.Id,8}  [{t.Source.Start},{t.Source.End})  {(t.IsSpecial ? "special " : "")}{(t.TypeId != 0 ? $"type {t.TypeId} " : "")}{JsonSerializer.Serialize(t.Text, Json.String)}");
    }

    internal sealed record TokenizeInput(
        [property: JsonPropertyName("text")] string? Text,
        [property: JsonPropertyName("pair")] string? Pair);

    internal sealed record TokenizeOutput(
        [property: JsonPropertyName("ids")] int[] Ids,
        [property: JsonPropertyName("tokens")] string[] Tokens,
        [property: JsonPropertyName("offsets")] int[][] Offsets,
        [property: JsonPropertyName("special")] bool[] Special,
        [property: JsonPropertyName("type_ids")] int[] TypeIds);

    [JsonSourceGenerationOptions(WriteIndented = false)]
    [JsonSerializable(typeof(TokenizeInput))]
    [JsonSerializable(typeof(TokenizeOutput))]
    [JsonSerializable(typeof(string))]
    internal sealed partial class TokenizeJsonContext : JsonSerializerContext;
}
