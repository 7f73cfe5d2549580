using System.CommandLine;

namespace AttentionLens.Server.Cli;

/// <summary>`attention-lens bench tokenize`: Tokenizer throughput in MB/s.</summary>
internal static class BenchTokenizeCommand
{
    public static Command Create()
    {
        var command = new Command("tokenize", "Tokenizer throughput in MB/s.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("'bench tokenize' is not available yet.");
            return 2;
        });
        return command;
    }
}
