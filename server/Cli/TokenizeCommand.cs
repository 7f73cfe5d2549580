using System.CommandLine;

namespace AttentionLens.Server.Cli;

/// <summary>`attention-lens tokenize`: Tokenize text with a checkpoint's tokenizer.</summary>
internal static class TokenizeCommand
{
    public static Command Create()
    {
        var command = new Command("tokenize", "Tokenize text with a checkpoint's tokenizer.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("'tokenize' is not available yet.");
            return 2;
        });
        return command;
    }
}
