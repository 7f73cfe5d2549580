using System.CommandLine;

namespace AttentionLens.Server.Cli;

/// <summary>`attention-lens bench flow`: Rollout and attention-flow timings.</summary>
internal static class BenchFlowCommand
{
    public static Command Create()
    {
        var command = new Command("flow", "Rollout and attention-flow timings.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("'bench flow' is not available yet.");
            return 2;
        });
        return command;
    }
}
