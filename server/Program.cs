using System.CommandLine;
using AttentionLens.Server.Cli;

// The composition root: every command of the one executable is registered here and nowhere else.
// `serve` speaks JSON-RPC on stdout, so it redirects Console.Out to stderr before anything runs.
// The editor starts `serve` and waits for its `initialize` answer: its plain command lines skip
// System.CommandLine (not even loaded then; ServeArguments says what it reads and why).
return await (ServeArguments.TryServe(args) ?? Parse(args));

// Its own method, so that System.CommandLine is loaded only on this path.
[System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
static Task<int> Parse(string[] args)
{
    var root = new RootCommand("Attention Lens: see how attention flows through a transformer language model.");
    // `serve` alone (a command line ServeArguments left to the parser): build only that command
    // (the others' options and actions are not needed, and constructing them costs startup time).
    Command[] commands = args is ["serve", ..] ? [ServeCommand.Create()] : new[]
    {
        DemoCommand.Create(),
        PlausibilityCommand.Create(),
        FaithfulnessCommand.Create(),
        ServeCommand.Create(),
        AnalyzeCommand.Create(),
        CompareCommand.Create(),
        GenerateCommand.Create(),
        ModelsCommand.Create(),
        ForwardCommand.Create(),
        TokenizeCommand.Create(),
        FlowCommand.Create(),
        BenchCommand.Create(),
    };
    foreach (var command in commands)
        root.Subcommands.Add(command);
    // Every exception ends in CliErrors: a one-line message and an exit code, never a stack trace.
    return CliErrors.InvokeAsync(root, args);
}
