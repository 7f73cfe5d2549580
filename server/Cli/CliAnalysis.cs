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

    public CliAnalysis(IReadOnlyList<string>? modelPaths = null)
    {
        var settings = new SettingsState(new ServerSettings { ModelPaths = modelPaths, MemoryBudgetMb = int.MaxValue / (1024 * 1024) });
        var backend = new CoreModelBackend();
        var registry = new ModelRegistry(() => settings.Current, ModelRegistry.DefaultBundledRoot);
        Service = new AnalysisService(backend, registry, new ModelCache(backend, () => settings.BudgetBytes), new AnalysisStore(), () => settings.Current, Environment.ProcessorCount);
        terminal = Console.IsErrorRedirected ? null : AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
    }

    public AnalysisService Service { get; }

    public static JsonSerializerOptions Indented { get; } = new(ProtocolJsonContext.Default.Options) { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The whole text as a one-document request, as if it were selected in an editor.</summary>
    /// <param name="context">A question-answering model's context; <paramref name="text"/> is then the question
    /// (both go in one document, question first, as two selections would).</param>
    public static AnalysisRequest Request(string text, string model, int? target, string? methods, string? context = null)
    {
        var doc = new TextDocument(context is null ? text : text + "\n" + context, 1);
        var range = doc.RangeOf(0, text.Length);
        var list = methods?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new AnalysisRequest("untitled:cli", doc, range, model, target is { } t ? TargetSpec.At(t) : null, list, null)
        {
            ContextRange = context is null ? null : doc.RangeOf(text.Length + 1, text.Length + 1 + context.Length),
        };
    }

    /// <summary>Runs <paramref name="work"/> with a progress display; errors become a message and exit code 1.</summary>
    public async Task<int> RunAsync(string title, Func<AnalysisService.ProgressSink, Task> work)
    {
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
