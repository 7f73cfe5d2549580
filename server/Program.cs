using System.CommandLine;
using AttentionLens.Server.Cli;

// The composition root: every command of the one executable is registered here and nowhere else.
// `serve` speaks JSON-RPC on stdout, so it redirects Console.Out to stderr before anything runs.
var root = new RootCommand("Attention Lens: see how attention flows through a transformer language model.");
foreach (var command in new[]
{
    DemoCommand.Create(),
    PlausibilityCommand.Create(),
    ServeCommand.Create(),
    AnalyzeCommand.Create(),
    CompareCommand.Create(),
    ModelsCommand.Create(),
    ForwardCommand.Create(),
    TokenizeCommand.Create(),
    FlowCommand.Create(),
    BenchCommand.Create(),
})
{
    root.Subcommands.Add(command);
}

return await root.Parse(args).InvokeAsync();
