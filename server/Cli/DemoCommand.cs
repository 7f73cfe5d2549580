using System.CommandLine;

namespace AttentionLens.Server.Cli;

/// <summary>`attention-lens demo`: Run the full pipeline on the bundled models and write an HTML report.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var command = new Command("demo", "Run the full pipeline on the bundled models and write an HTML report.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("'demo' is not available yet.");
            return 2;
        });
        return command;
    }
}
