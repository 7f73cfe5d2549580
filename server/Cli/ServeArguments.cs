using AttentionLens.Server.Protocol;
using AttentionLens.Server.Services;

namespace AttentionLens.Server.Cli;

/// <summary>
/// The command lines the editor starts the server with (<c>serve</c>, <c>serve --stdio</c>, and the
/// serve options in their plain <c>--name value</c> form), read without System.CommandLine. Why:
/// the editor waits for the <c>initialize</c> answer, and loading System.CommandLine and running its
/// parser took about 8 ms of the server's CPU time before it (ATTENTION_LENS_STARTUP_TRACE=1, from
/// the <c>main</c> mark to <c>serve: options parsed</c>; part of that is warm-up the server needs
/// anyway and now pays later: CPU to the <c>initialize</c> answer went from 1.07× to 1.01× of
/// d0c4e36 in one interleaved run of 21 rounds). Anything else — help, another spelling
/// (<c>--max-tokens=5</c>, response files), a value that does not parse, a repeated single-valued
/// option, an unknown token — returns null and goes through <see cref="ServeCommand"/>'s parser,
/// which reports it as before. ServeArgumentsTests checks that every line read here reads the same there.
/// </summary>
internal static class ServeArguments
{
    /// <summary>
    /// Serves when <paramref name="args"/> is such a <c>serve</c> line (the exit code, every
    /// exception mapped by <see cref="CliErrors"/> as on the parser's path); null otherwise.
    /// </summary>
    public static Task<int>? TryServe(string[] args)
    {
        StartupTrace.Mark("main");
        return args is ["serve", .. var rest] && TryParse(rest) is { } settings ? Serve(settings) : null;

        static async Task<int> Serve(ServerSettings settings)
        {
            try
            {
                return await ServeCommand.RunAsync(settings).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                return CliErrors.Report(e, Console.Error);
            }
        }
    }

    /// <summary>The settings <paramref name="args"/> (everything after <c>serve</c>) give, or null to leave them to System.CommandLine.</summary>
    public static ServerSettings? TryParse(ReadOnlySpan<string> args)
    {
        int? budget = null, maxTokens = null;
        List<string>? modelPaths = null;
        bool stdio = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case ServeCommand.StdioOption when !stdio && (i + 1 == args.Length || args[i + 1].StartsWith('-')):
                    stdio = true;
                    break;
                case ServeCommand.MemoryBudgetOption when budget is null && PlainInt(args, i + 1) is { } mb:
                    budget = mb;
                    i++;
                    break;
                case ServeCommand.MaxTokensOption when maxTokens is null && PlainInt(args, i + 1) is { } t:
                    maxTokens = t;
                    i++;
                    break;
                case ServeCommand.ModelPathOption when i + 1 < args.Length && Plain(args[i + 1]):
                    (modelPaths ??= []).Add(args[++i]);
                    break;
                default:
                    return null;
            }
        }
        return new ServerSettings { MemoryBudgetMb = budget, MaxTokens = maxTokens, ModelPaths = modelPaths?.ToArray() ?? [] };
    }

    /// <summary>A value no parser could read as an option, a response file or a directive.</summary>
    private static bool Plain(string value) => value.Length > 0 && value[0] is not ('-' or '@' or '[');

    /// <summary>Digits only (no sign, no spaces, no culture): what System.CommandLine reads as the same int.</summary>
    private static int? PlainInt(ReadOnlySpan<string> args, int at) =>
        at < args.Length && args[at] is { Length: > 0 and <= 9 } s && s.All(char.IsAsciiDigit) ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : null;
}
