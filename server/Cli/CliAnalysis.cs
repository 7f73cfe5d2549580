using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using AttentionLens.Server.Protocol;
using AttentionLens.Server.Services;
using Spectre.Console;

namespace AttentionLens.Server.Cli;

/// <summary>
/// What the analyze, compare and models commands share: the same <see cref="AnalysisService"/>
/// the server uses (so terminal and editor give the same numbers), indented protocol JSON, and
/// progress that is a Spectre.Console progress bar on a terminal and plain lines otherwise, always on
/// stderr so stdout holds only the result.
/// </summary>
internal sealed class CliAnalysis
{
    private readonly IAnsiConsole? terminal;

    /// <param name="memoryBudgetMb">The budget for loaded models (<c>--memory-budget-mb</c>); null:
    /// <see cref="SettingsState.DefaultMemoryBudgetMb"/> (three quarters of physical memory).</param>
    /// <param name="maxTokens">The longest input analysed (<c>--max-tokens</c>); null: the server's default.</param>
    public CliAnalysis(IReadOnlyList<string>? modelPaths = null, int? memoryBudgetMb = null, int? maxTokens = null)
    {
        if (memoryBudgetMb is <= 0)
        {
            // Refused when run (RunAsync), before any model is touched.
            configurationError = $"--memory-budget-mb {memoryBudgetMb}: the memory budget must be a positive number of MiB (leave it out for {SettingsState.DefaultMemoryBudgetMb} MiB, three quarters of this machine's memory).";
            memoryBudgetMb = null;
        }
        if (maxTokens is <= 0)
        {
            configurationError ??= $"--max-tokens {maxTokens}: the longest input analysed must be at least 1 token (leave it out for {AnalysisService.DefaultMaxTokens}).";
            maxTokens = null;
        }
        var settings = new SettingsState(new ServerSettings { ModelPaths = modelPaths, MemoryBudgetMb = memoryBudgetMb, MaxTokens = maxTokens });
        var backend = new CoreModelBackend();
        var registry = new ModelRegistry(() => settings.Current, ModelRegistry.DefaultBundledRoot);
        Service = new AnalysisService(backend, registry, new ModelCache(backend, () => settings.BudgetBytes, Log), new AnalysisStore(), () => settings.Current, Environment.ProcessorCount);
        terminal = Console.IsErrorRedirected ? null : AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
    }

    public AnalysisService Service { get; }

    private readonly string? configurationError;

    /// <summary><c>--memory-budget-mb</c>, shared by the commands that load models.</summary>
    public static Option<int?> MemoryBudgetOption() => new("--memory-budget-mb")
    {
        Description = $"Memory budget for the loaded model in MiB (default {SettingsState.DefaultMemoryBudgetMb}: three quarters of this machine's memory). A model estimated above it is refused before loading.",
    };

    /// <summary>Model loads, evictions and refusals, on stderr when ATTENTION_LENS_VERBOSE is set.</summary>
    private static void Log(string message)
    {
        if (Environment.GetEnvironmentVariable("ATTENTION_LENS_VERBOSE") is { Length: > 0 }) Console.Error.WriteLine("[attention-lens] " + message);
    }

    public static JsonSerializerOptions Indented { get; } = new(ProtocolJsonContext.Default.Options) { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Parses <c>--target</c>: an integer token index, or an error naming the option and the value
    /// (System.CommandLine's own message names the CLR type, Nullable`1[System.Int32]). The range is
    /// checked against the tokens later, where they are known.
    /// </summary>
    public static int? ParseTarget(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int value)) return value;
        result.AddError($"--target must be a token index (an integer such as 0 or 3), not '{text}'.");
        return null;
    }

    /// <summary>The whole text as a one-document request, as if it were selected in an editor.</summary>
    /// <param name="context">A question-answering model's context; <paramref name="text"/> is then the question
    /// (both go in one document, question first, as two selections would).</param>
    public static AnalysisRequest Request(string text, string model, int? target, string? methods, string? context = null)
    {
        var doc = new TextDocument(context is null ? text : text + "\n" + context, 1);
        var range = doc.RangeOf(0, text.Length);
        var list = methods?.Split(',', StringSplitOptions.TrimEntries);
        if (list is not null && Array.FindIndex(list, m => m.Length == 0) is var empty and >= 0)
            throw new InvalidParamsException($"--methods '{methods}': entry {empty + 1} is empty; give a comma-separated list such as rollout,flow,influence.");
        return new AnalysisRequest("untitled:cli", doc, range, model, target is { } t ? TargetSpec.At(t) : null, list, null)
        {
            ContextRange = context is null ? null : doc.RangeOf(text.Length + 1, text.Length + 1 + context.Length),
        };
    }

    /// <summary>Runs <paramref name="work"/> with a progress display; errors propagate to <see cref="CliErrors"/>.</summary>
    public async Task<int> RunAsync(string title, Func<AnalysisService.ProgressSink, Task> work)
    {
        // An invalid option value is bad input like any other: CliErrors prints it (exit 1).
        if (configurationError is not null) throw new InvalidParamsException(configurationError);
        if (terminal is null)
        {
            await work((message, _) =>
            {
                Console.Error.WriteLine($"{title}: {message}");
                return Task.CompletedTask;
            }).ConfigureAwait(false);
        }
        else
        {
            await terminal.Progress().AutoClear(true).StartAsync(async ctx =>
            {
                var task = ctx.AddTask(title, maxValue: 100);
                await work((message, percentage) =>
                {
                    task.Description = $"{title}: {Markup.Escape(message)}";
                    task.Value = percentage;
                    return Task.CompletedTask;
                }).ConfigureAwait(false);
                task.Value = 100;
            }).ConfigureAwait(false);
        }
        return 0;
    }

    /// <summary>Writes <paramref name="json"/> to <paramref name="outFile"/> (checked by <see cref="CliOutput.Prepare"/>), or stdout.</summary>
    public static async Task WriteAsync(string json, string? outFile)
    {
        if (outFile is null) await Console.Out.WriteLineAsync(json).ConfigureAwait(false);
        else
        {
            await CliOutput.WriteAllTextAsync(outFile, json + "\n").ConfigureAwait(false);
            Console.Error.WriteLine($"wrote {outFile}");
        }
    }
}
