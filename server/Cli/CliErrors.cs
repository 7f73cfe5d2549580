using System.CommandLine;

namespace AttentionLens.Server.Cli;

/// <summary>
/// The one place the command line turns an exception into a message and an exit code (the
/// server's counterpart is <c>Lsp/ErrorMapper</c>). Known faults — a domain error
/// (<see cref="AttentionLensException"/>: the message already names the file, field or parameter
/// and the fault), a file-system fault on a path the user named, a cancellation — print one line,
/// never a stack trace. Anything else is a bug: one line naming the exception and asking for a
/// report, with its own exit code so scripts can tell it from bad input.
/// </summary>
internal static class CliErrors
{
    /// <summary>Bad input: a model, file, option value or text the command cannot use (also
    /// System.CommandLine's own exit code for options that do not parse).</summary>
    public const int InputError = 1;

    /// <summary>sysexits.h EX_SOFTWARE: an internal error, a bug to report.</summary>
    public const int InternalError = 70;

    /// <summary>Interrupted (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;

    /// <summary>Parses and runs <paramref name="args"/>, mapping every exception through <see cref="Report"/>.</summary>
    public static async Task<int> InvokeAsync(RootCommand root, string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        error ??= Console.Error;
        var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false, Error = error, Output = output ?? Console.Out };
        try
        {
            return await root.Parse(args).InvokeAsync(configuration).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            return Report(e, error);
        }
    }

    /// <summary>Writes the one-line message for <paramref name="exception"/> and returns its exit code.</summary>
    public static int Report(Exception exception, TextWriter error)
    {
        var e = exception is AggregateException { InnerExceptions.Count: 1 } aggregate ? aggregate.InnerExceptions[0] : exception;
        switch (e)
        {
            case AttentionLensException known:
                error.WriteLine("error: " + known.Message);
                return InputError;
            case OperationCanceledException:
                error.WriteLine("cancelled.");
                return Cancelled;
            case NotImplementedException missing:
                error.WriteLine("error: not available in this build: " + missing.Message);
                return InputError;
            // Reading or writing a path the user named (an --out in a read-only folder, a file
            // removed mid-run): the runtime's message names the path.
            case IOException or UnauthorizedAccessException:
                error.WriteLine("error: " + e.Message);
                return InputError;
            default:
                error.WriteLine($"internal error: {e.GetType().Name}: {FirstLine(e.Message)} — this is a bug in Attention Lens; please report it with the command line that caused it.");
                return InternalError;
        }
    }

    private static string FirstLine(string text)
    {
        int end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }
}
