using System.CommandLine;
using System.IO.Pipelines;
using AttentionLens.Server.Lsp;
using AttentionLens.Server.Protocol;
using AttentionLens.Server.Services;

namespace AttentionLens.Server.Cli;

/// <summary>`attention-lens serve`: Run the JSON-RPC/LSP server over stdio.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var stdio = new Option<bool>("--stdio") { Description = "Use stdin/stdout (the default and only transport; accepted for vscode-languageclient)." };
        var budget = new Option<int?>("--memory-budget-mb") { Description = "Memory budget for loaded models in MiB (the attentionLens.memoryBudgetMb setting overrides it; default: three quarters of this machine's memory)." };
        var maxTokens = new Option<int?>("--max-tokens") { Description = "Largest number of tokens per analysis." };
        var modelPaths = new Option<string[]>("--model-path") { Description = "A checkpoint folder, or a folder of them, to list (repeatable).", AllowMultipleArgumentsPerToken = false };
        var command = new Command("serve", "Run the JSON-RPC/LSP server over stdio.") { stdio, budget, maxTokens, modelPaths };
        command.SetAction(async (parseResult, _) =>
        {
            // stdout carries protocol frames only: keep the real stream, send everything else to stderr.
            if (parseResult.GetValue(budget) is int mb && mb <= 0)
            {
                Console.Error.WriteLine($"error: --memory-budget-mb {mb}: the memory budget must be a positive number of MiB.");
                return 2;
            }
            var stdout = Console.OpenStandardOutput();
            Console.SetOut(Console.Error);
            var settings = new ServerSettings
            {
                MemoryBudgetMb = parseResult.GetValue(budget),
                MaxTokens = parseResult.GetValue(maxTokens),
                ModelPaths = parseResult.GetValue(modelPaths),
            };
            var server = ServerHost.Create(
                PipeReader.Create(Console.OpenStandardInput()),
                PipeWriter.Create(stdout),
                new CoreModelBackend(),
                message => Console.Error.WriteLine("[attention-lens] " + message),
                settings);
            return await server.RunAsync().ConfigureAwait(false);
        });
        return command;
    }
}
