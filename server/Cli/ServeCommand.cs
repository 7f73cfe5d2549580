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
            StartupTrace.Start();
            StartupTrace.Mark("serve: options parsed");
            // stdout carries protocol frames only: keep the real stream, send everything else to stderr.
            // (Option values are checked below by SettingsState.Validate, the settings' one validation.)
            var stdout = Console.OpenStandardOutput();
            Console.SetOut(Console.Error);
            var settings = new ServerSettings
            {
                MemoryBudgetMb = parseResult.GetValue(budget),
                MaxTokens = parseResult.GetValue(maxTokens),
                ModelPaths = parseResult.GetValue(modelPaths),
            };
            try
            {
                SettingsState.Validate(settings, "serve");
            }
            catch (InvalidParamsException e)
            {
                Console.Error.WriteLine("attention-lens serve: " + e.Message);
                return 2;
            }
            var server = ServerHost.Create(
                PipeReader.Create(Console.OpenStandardInput()),
                PipeWriter.Create(stdout),
                new CoreModelBackend(),
                message => Console.Error.WriteLine("[attention-lens] " + message),
                settings);
            StartupTrace.Mark("handlers registered");
            return await server.RunAsync().ConfigureAwait(false);
        });
        return command;
    }
}
