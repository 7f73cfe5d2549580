using System.CommandLine;

namespace AttentionLens.Server.Cli;

/// <summary>`attention-lens bench`: Benchmarks.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Benchmarks.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("'bench' is not available yet.");
            return 2;
        });
        return command;
    }
}
