using System.CommandLine;

namespace AttentionLens.Server.Cli;

/// <summary>`attention-lens bench forward`: Time a forward pass of a random model of a standard size.</summary>
internal static class BenchForwardCommand
{
    public static Command Create()
    {
        var command = new Command("forward", "Time a forward pass of a random model of a standard size.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("'bench forward' is not available yet.");
            return 2;
        });
        return command;
    }
}
