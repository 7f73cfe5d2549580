using System.CommandLine;
using System.IO.Pipelines;
using AttentionLens.Server.Lsp;
using AttentionLens.Server.Protocol;
using AttentionLens.Server.Services;

namespace AttentionLens.Server.Cli;

/// <summary>`attention-lens serve`: Run the JSON-RPC/LSP server over stdio.</summary>
internal static class ServeCommand
{
    public const string StdioOption = "--stdio";
    public const string MemoryBudgetOption = "--memory-budget-mb";
    public const string MaxTokensOption = "--max-tokens";
    public const string ModelPathOption = "--model-path";

    public static Command Create()
    {
        var stdio = new Option<bool>(StdioOption) { Description = "Use stdin/stdout (the default and only transport; accepted for vscode-languageclient)." };
        var budget = new Option<int?>(MemoryBudgetOption) { Description = "Memory budget for loaded models in MiB (the attentionLens.memoryBudgetMb setting overrides it; default: three quarters of this machine's memory)." };
        var maxTokens = new Option<int?>(MaxTokensOption) { Description = "Largest number of tokens per analysis." };
        var modelPaths = new Option<string[]>(ModelPathOption) { Description = "A checkpoint folder, or a folder of them, to list (repeatable).", AllowMultipleArgumentsPerToken = false };
        var command = new Command("serve", "Run the JSON-RPC/LSP server over stdio.") { stdio, budget, maxTokens, modelPaths };
        command.SetAction((parseResult, _) => RunAsync(Settings(parseResult)));
        return command;
    }

    /// <summary>The settings a parsed <c>serve</c> command line gives (its options found by name).</summary>
    public static ServerSettings Settings(ParseResult parseResult) => new()
    {
        MemoryBudgetMb = parseResult.GetValue<int?>(MemoryBudgetOption),
        MaxTokens = parseResult.GetValue<int?>(MaxTokensOption),
        ModelPaths = parseResult.GetValue<string[]>(ModelPathOption),
    };

    /// <summary>
    /// Serves over stdio until <c>exit</c>; the exit code. Reached from System.CommandLine's parse
    /// or, for the editor's plain command lines, from <see cref="ServeArguments"/> without it.
    /// </summary>
    public static async Task<int> RunAsync(ServerSettings settings)
    {
        StartupTrace.Start();
        StartupTrace.Mark("serve: options parsed");
        // stdout carries protocol frames only: keep the real stream, send everything else to stderr.
        // (Option values are checked below by SettingsState.Validate, the settings' one validation.)
        var stdout = Console.OpenStandardOutput();
        Console.SetOut(Console.Error);
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
    }
}
