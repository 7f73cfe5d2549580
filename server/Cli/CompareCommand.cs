using System.CommandLine;
using System.Text.Json;
using AttentionLens.Server.Protocol;
using AttentionLens.Server.Services;

namespace AttentionLens.Server.Cli;

/// <summary>`attention-lens compare`: Compare two models on a text (the same result as attentionLens/compare).</summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var modelA = new Option<string>("--model-a") { Required = true, Description = "First checkpoint folder or model id." };
        var modelB = new Option<string>("--model-b") { Required = true, Description = "Second checkpoint folder or model id." };
        var text = new Option<string>("--text") { Required = true, Description = "The text to analyse with both." };
        var target = new Option<int?>("--target") { CustomParser = CliAnalysis.ParseTarget, Description = "Token index to explain." };
        var methods = new Option<string?>("--methods") { Description = "Comma-separated methods (rollout is always included)." };
        var output = new Option<string?>("--out") { Description = "Write the result to this file instead of stdout (missing parent folders are created)." };
        var budget = CliAnalysis.MemoryBudgetOption();
        var command = new Command("compare", "Compare two models on a text.") { modelA, modelB, text, target, methods, output, budget };
        command.SetAction(async (parseResult, ct) =>
        {
            var outFile = CliOutput.Prepare(parseResult.GetValue(output));
            var cli = new CliAnalysis(memoryBudgetMb: parseResult.GetValue(budget));
            var t = parseResult.GetValue(text)!;
            CompareResult? result = null;
            var code = await cli.RunAsync("compare", async progress =>
            {
                var requestA = CliAnalysis.Request(t, parseResult.GetValue(modelA)!, parseResult.GetValue(target), parseResult.GetValue(methods));
                var a = await cli.Service.AnalyzeAsync(requestA, (m, p) => progress("A: " + m, p / 2), ct).ConfigureAwait(false);
                var b = await cli.Service.AnalyzeAsync(CliAnalysis.Request(t, parseResult.GetValue(modelB)!, parseResult.GetValue(target), parseResult.GetValue(methods)),
                    (m, p) => progress("B: " + m, 50 + p / 2), ct).ConfigureAwait(false);
                result = new CompareResult(a.Result, b.Result, ComparisonBuilder.Compare(a.Stored, b.Stored, requestA.Document));
            }).ConfigureAwait(false);
            if (code != 0) return code;
            await CliAnalysis.WriteAsync(JsonSerializer.Serialize(result!, CliAnalysis.Indented.GetTypeInfo(typeof(CompareResult))), outFile).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
