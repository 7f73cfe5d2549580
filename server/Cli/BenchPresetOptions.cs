using System.CommandLine;
using System.Diagnostics;
using AttentionLens.Models;

namespace AttentionLens.Server.Cli;

/// <summary>
/// What `bench gradient` and `bench methods` share: a random model of a preset size run on <c>--tokens</c>
/// fixed pseudo-random ids (seed 7, ids in [1000, 20000) so no special token is drawn), timed as the median of
/// <c>--runs</c> runs against a baseline measured in the same process. Kept in one place so the two benchmarks'
/// ratios stay comparable (same ids, same median rule).
/// </summary>
internal sealed class BenchPresetOptions
{
    private readonly Option<string> _model;
    private readonly Option<int> _tokens;
    private readonly Option<int> _runs;

    public BenchPresetOptions(Command command, string modelDescription, int defaultTokens, int defaultRuns, string runsDescription)
    {
        _model = new Option<string>("--model") { Description = modelDescription, DefaultValueFactory = _ => "bert-base" };
        _tokens = new Option<int>("--tokens") { Description = "Sequence length T.", DefaultValueFactory = _ => defaultTokens };
        _runs = new Option<int>("--runs") { Description = runsDescription, DefaultValueFactory = _ => defaultRuns };
        command.Options.Add(_model);
        command.Options.Add(_tokens);
        command.Options.Add(_runs);
    }

    /// <summary>The parsed values, or false after writing what is wrong to stderr (the caller exits with 2).</summary>
    public bool TryRead(ParseResult parse, out string preset, out int tokens, out int runs)
    {
        preset = parse.GetValue(_model)!;
        tokens = parse.GetValue(_tokens);
        runs = parse.GetValue(_runs);
        if (ModelPresets.Names.Contains(preset) && tokens >= 2 && runs >= 1) return true;
        Console.Error.WriteLine($"--model must be one of {string.Join(", ", ModelPresets.Names)}, --tokens ≥ 2, --runs ≥ 1.");
        return false;
    }

    /// <summary><paramref name="tokens"/> fixed pseudo-random ids.</summary>
    public static ForwardInput RandomInput(int tokens)
    {
        var rng = new Random(7);
        return new ForwardInput(Enumerable.Range(0, tokens).Select(_ => rng.Next(1000, 20000)).ToArray());
    }

    /// <summary>The median wall time of <paramref name="runs"/> calls, in milliseconds.</summary>
    public static double MedianMs(int runs, Action action) =>
        MedianOf(runs, () =>
        {
            var sw = Stopwatch.StartNew();
            action();
            return sw.Elapsed.TotalMilliseconds;
        });

    /// <summary>The median of a value each run reports itself (a stage's own timing).</summary>
    public static double MedianOf(int runs, Func<double> measured)
    {
        var times = new double[runs];
        for (int r = 0; r < runs; r++) times[r] = measured();
        Array.Sort(times);
        return times[runs / 2];
    }
}
