using System.CommandLine;
using System.Text.Json;
using AttentionLens.Server.Protocol;

namespace AttentionLens.Server.Cli;

/// <summary>`attention-lens analyze`: Analyze a text with a model (the same result as attentionLens/analyze).</summary>
internal static class AnalyzeCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Required = true, Description = "Checkpoint folder, or a model id from `attention-lens models`." };
        var text = new Option<string>("--text") { Required = true, Description = "The text to analyse." };
        var target = new Option<int?>("--target") { Description = "Token index to explain (default: first token for encoders, last for decoders)." };
        var methods = new Option<string?>("--methods") { Description = "Comma-separated: attention, rollout, flow, influence, valueNorms, faithfulness (rollout is always included)." };
        var format = new Option<string>("--format") { Description = "json (default), html or svg.", DefaultValueFactory = _ => "json" };
        format.AcceptOnlyFromAmong("json", "html", "svg");
        var output = new Option<string?>("--out") { Description = "Write the result to this file instead of stdout." };
        var command = new Command("analyze", "Analyze a text with a model.") { model, text, target, methods, format, output };
        command.SetAction(async (parseResult, ct) =>
        {
            var fmt = parseResult.GetValue(format)!;
            if (fmt != "json")
            {
                Console.Error.WriteLine($"error: --format {fmt} needs the report writer (server/Report), which this build does not have yet; use --format json.");
                return 2;
            }
            var cli = new CliAnalysis();
            var request = CliAnalysis.Request(parseResult.GetValue(text)!, parseResult.GetValue(model)!, parseResult.GetValue(target), parseResult.GetValue(methods));
            AnalyzeResult? result = null;
            var code = await cli.RunAsync("analyze", async progress => (result, _) = await cli.Service.AnalyzeAsync(request, progress, ct).ConfigureAwait(false)).ConfigureAwait(false);
            if (code != 0) return code;
            await CliAnalysis.WriteAsync(JsonSerializer.Serialize(result!, CliAnalysis.Indented.GetTypeInfo(typeof(AnalyzeResult))), parseResult.GetValue(output)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
