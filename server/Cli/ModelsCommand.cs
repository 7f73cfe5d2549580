using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AttentionLens.Server.Protocol;
using Spectre.Console;

namespace AttentionLens.Server.Cli;

/// <summary>`attention-lens models`: List the models Attention Lens can use (as attentionLens/listModels).</summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var paths = new Option<string[]>("--model-path") { Description = "Also list this checkpoint folder, or folder of them (repeatable)." };
        var json = new Option<bool>("--json") { Description = "Print the listModels result as JSON." };
        var supported = new Option<bool>("--supported") { Description = "List the supported model types and the heads loaded for each." };
        var command = new Command("models", "List the models Attention Lens can use.") { paths, json, supported };
        command.SetAction(parseResult =>
        {
            if (parseResult.GetValue(supported))
                return PrintSupported();
            var models = new CliAnalysis(parseResult.GetValue(paths)).Service.ListModels();
            if (parseResult.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new ListModelsResult(models), CliAnalysis.Indented.GetTypeInfo(typeof(ListModelsResult))));
                return 0;
            }
            if (models.Count == 0)
            {
                Console.Error.WriteLine("No models found: pass --model-path DIR, or put checkpoints in the Hugging Face cache.");
                return 0;
            }
            string N(long? v) => v?.ToString("N0", CultureInfo.InvariantCulture) ?? "?";
            if (Console.IsOutputRedirected)
            {
                Console.WriteLine("id\tsource\tarchitecture\tlayers\theads\tparameters\tpath");
                foreach (var m in models)
                    Console.WriteLine($"{m.Id}\t{m.Source}\t{m.Architecture}\t{m.Layers}\t{m.Heads}\t{m.ParameterCount}\t{m.Path}");
                return 0;
            }
            var table = new Table().AddColumns("id", "source", "architecture", "layers", "heads", "parameters", "path");
            foreach (var m in models)
                table.AddRow(Markup.Escape(m.Id), m.Source, Markup.Escape(m.Architecture ?? "?"), N(m.Layers), N(m.Heads), N(m.ParameterCount),
                    Markup.Escape(m.Problem is null ? m.Path : $"{m.Path} ({m.Problem})"));
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    /// <summary>model_type, heads, and the reference each was verified against (tab-separated when redirected).</summary>
    private static int PrintSupported()
    {
        string Heads(AttentionLens.Models.SupportedModel m) => string.Join(", ", m.Heads);
        if (Console.IsOutputRedirected)
        {
            Console.WriteLine("model_type\theads\tverified against");
            foreach (var m in AttentionLens.Models.SupportedModel.All)
                Console.WriteLine($"{m.ModelType}\t{Heads(m)}\t{m.VerifiedAgainst}");
            return 0;
        }
        var table = new Table().AddColumns("model_type", "heads", "verified against");
        foreach (var m in AttentionLens.Models.SupportedModel.All)
            table.AddRow(Markup.Escape(m.ModelType), Markup.Escape(Heads(m)), Markup.Escape(m.VerifiedAgainst));
        AnsiConsole.Write(table);
        return 0;
    }
}
