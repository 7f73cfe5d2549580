using System.CommandLine;

namespace AttentionLens.Server.Cli;

/// <summary>`attention-lens bench …`: benchmarks that print JSON lines (never timing assertions).</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Benchmarks: forward, tokenize, flow, kernels, load, methods, analyze, generate, gradient, ig.");
        command.Subcommands.Add(BenchForwardCommand.Create());
        command.Subcommands.Add(BenchTokenizeCommand.Create());
        command.Subcommands.Add(BenchFlowCommand.Create());
        command.Subcommands.Add(BenchKernelsCommand.Create());
        command.Subcommands.Add(BenchLoadCommand.Create());
        command.Subcommands.Add(BenchMethodsCommand.Create());
        command.Subcommands.Add(BenchAnalyzeCommand.Create());
        command.Subcommands.Add(BenchGenerateCommand.Create());
        command.Subcommands.Add(BenchGradientCommand.Create());
        command.Subcommands.Add(BenchIgCommand.Create());
        return command;
    }
}
