using System.CommandLine;

namespace AttentionLens.Server.Cli;

/// <summary>`attention-lens analyze`: Analyze a text with a model.</summary>
internal static class AnalyzeCommand
{
    public static Command Create()
    {
        var command = new Command("analyze", "Analyze a text with a model.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("'analyze' is not available yet.");
            return 2;
        });
        return command;
    }
}
