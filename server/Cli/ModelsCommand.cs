using System.CommandLine;

namespace AttentionLens.Server.Cli;

/// <summary>`attention-lens models`: List the models Attention Lens can use.</summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var command = new Command("models", "List the models Attention Lens can use.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("'models' is not available yet.");
            return 2;
        });
        return command;
    }
}
