using System.CommandLine;
using System.Text.Json;
using AttentionLens.Server.Protocol;
using AttentionLens.Server.Services;

namespace AttentionLens.Server.Cli;

/// <summary>`attention-lens generate`: continue a text with a causal LM (the same result as attentionLens/generate).</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Required = true, Description = "Checkpoint folder of a causal LM, or a model id from `attention-lens models`." };
        var text = new Option<string>("--text") { Required = true, Description = "The text to continue." };
        var maxNew = new Option<int?>("--max-new-tokens") { Description = $"The most tokens to add (default {GenerationService.DefaultMaxNewTokens}); generation also stops at end-of-text." };
        var temperature = new Option<double?>("--temperature") { Description = "0 (default) = greedy; otherwise sample from softmax(logits / temperature)." };
        var topP = new Option<double?>("--top-p") { Description = "Nucleus mass in (0, 1] when sampling (default 1)." };
        var seed = new Option<long?>("--seed") { Description = "The sampler's seed: the same seed gives the same continuation (default: drawn, and printed with --json)." };
        var json = new Option<bool>("--json") { Description = "Print the attentionLens/generate result as JSON instead of the text." };
        var budget = CliAnalysis.MemoryBudgetOption();
        var command = new Command("generate", "Continue a text with a causal language model (greedy by default).") { model, text, maxNew, temperature, topP, seed, json, budget };
        command.SetAction(async (parseResult, ct) =>
        {
            var cli = new CliAnalysis(memoryBudgetMb: parseResult.GetValue(budget));
            var service = cli.Service;
            var generation = new GenerationService(service.Backend, service.Registry, service.Cache, () => new ServerSettings());
            var input = parseResult.GetValue(text)!;
            var doc = new TextDocument(input, 1);
            var p = new GenerateParams
            {
                TextDocument = new TextDocumentIdentifier("untitled:cli"), Range = doc.RangeOf(0, input.Length), Model = parseResult.GetValue(model)!,
                MaxNewTokens = parseResult.GetValue(maxNew), Temperature = parseResult.GetValue(temperature), TopP = parseResult.GetValue(topP), Seed = parseResult.GetValue(seed),
            };
            GenerateResult? result = null;
            var code = await cli.RunAsync("generate", async progress => result = await generation.GenerateAsync(doc, p.Range, p.Model, p, progress, ct).ConfigureAwait(false)).ConfigureAwait(false);
            if (code != 0) return code;
            var document = parseResult.GetValue(json)
                ? JsonSerializer.Serialize(result!, CliAnalysis.Indented.GetTypeInfo(typeof(GenerateResult)))
                : input + result!.Text;
            await CliAnalysis.WriteAsync(document, null).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
