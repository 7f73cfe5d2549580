using System.CommandLine;

namespace AttentionLens.Server.Cli;

/// <summary>`attention-lens compare`: Compare two models on a text.</summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var command = new Command("compare", "Compare two models on a text.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("'compare' is not available yet.");
            return 2;
        });
        return command;
    }
}
