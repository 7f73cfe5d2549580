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

    /// <summary>The whole text as a one-document request, as if it were selected in an editor.</summary>
    public static AnalysisRequest Request(string text, string model, int? target, string? methods)
    {
        var doc = new TextDocument(text, 1);
        var range = doc.RangeOf(0, text.Length);
        var list = methods?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new AnalysisRequest("untitled:cli", doc, range, model, target, list, null);
    }

    /// <summary>Runs <paramref name="work"/> with a progress display; errors become a message and exit code 1.</summary>
    public async Task<int> RunAsync(string title, Func<AnalysisService.ProgressSink, Task> work)
    {
        if (configurationError is not null)
        {
            Console.Error.WriteLine("error: " + configurationError);
            return 2;
        }
        try
        {
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
        catch (AttentionLensException e)
        {
            Console.Error.WriteLine("error: " + e.Message);
            return 1;
        }
        catch (NotImplementedException e)
        {
            Console.Error.WriteLine("error: not available in this build: " + e.Message);
            return 1;
        }
    }

    /// <summary>Writes <paramref name="json"/> to <paramref name="outFile"/>, or stdout.</summary>
    public static async Task WriteAsync(string json, string? outFile)
    {
        if (outFile is null) await Console.Out.WriteLineAsync(json).ConfigureAwait(false);
        else
        {
            await File.WriteAllTextAsync(outFile, json + "\n").ConfigureAwait(false);
            Console.Error.WriteLine($"wrote {outFile}");
        }
    }
}
