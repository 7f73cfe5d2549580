using System.CommandLine;

namespace AttentionLens.Server.Cli;

/// <summary>`attention-lens plausibility`: Print the plausibility table of every method on held-out grammar sentences.</summary>
internal static class PlausibilityCommand
{
    public static Command Create()
    {
        var command = new Command("plausibility", "Print the plausibility table of every method on held-out grammar sentences.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("'plausibility' is not available yet.");
            return 2;
        });
        return command;
    }
}
