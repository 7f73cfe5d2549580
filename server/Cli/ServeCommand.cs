using System.CommandLine;

namespace AttentionLens.Server.Cli;

/// <summary>`attention-lens serve`: Run the JSON-RPC/LSP server over stdio.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var command = new Command("serve", "Run the JSON-RPC/LSP server over stdio.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("'serve' is not available yet.");
            return 2;
        });
        return command;
    }
}
