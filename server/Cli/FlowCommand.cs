using System.CommandLine;

namespace AttentionLens.Server.Cli;

/// <summary>`attention-lens flow`: Rollout or attention flow from an attention tensor.</summary>
internal static class FlowCommand
{
    public static Command Create()
    {
        var command = new Command("flow", "Rollout or attention flow from an attention tensor.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("'flow' is not available yet.");
            return 2;
        });
        return command;
    }
}
