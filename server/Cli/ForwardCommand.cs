using System.CommandLine;

namespace AttentionLens.Server.Cli;

/// <summary>`attention-lens forward`: Run a model's forward pass and write its tensors.</summary>
internal static class ForwardCommand
{
    public static Command Create()
    {
        var command = new Command("forward", "Run a model's forward pass and write its tensors.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("'forward' is not available yet.");
            return 2;
        });
        return command;
    }
}
