using System.Text.Json;

namespace AttentionLens.Tests.Server;

/// <summary>
/// The memory budget on the command line and the estimate behind it, in fresh processes of the real
/// executable: <c>analyze --memory-budget-mb</c> refuses a model over it with an error that says how
/// to raise it (command line and editor), refuses budgets of zero or less, and the estimate made
/// from config.json and headers lies within ±25% of the memory a fresh process measures for the
/// same load and 128-token forward (<c>bench load</c>: peak resident minus resident before loading)
/// on a small Llama-shaped checkpoint in bf16 and in f32.
/// </summary>
public sealed class MemoryBudgetCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("al-budget-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static (int Code, string Out, string Err) Run(params string[] args) => CliProcess.Run(180_000, args);

    [Fact]
    public void A_model_over_the_budget_is_refused_with_how_to_raise_it()
    {
        var (code, stdout, stderr) = Run("analyze", "--model", SharedData.Path("models", "stories260K"), "--text", "Once upon a time", "--memory-budget-mb", "1");
        Assert.True(code == 1, $"exit {code}\n{stderr}");
        Assert.Equal("", stdout.Trim());
        Assert.Contains("needs about", stderr);
        Assert.Contains("memory budget is 1 MiB", stderr);
        Assert.Contains("--memory-budget-mb", stderr);
        Assert.Contains("attentionLens.memoryBudgetMb", stderr);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    public void A_budget_of_zero_or_less_is_refused(string mb)
    {
        var (code, _, stderr) = Run("analyze", "--model", SharedData.Path("models", "stories260K"), "--text", "Once", "--memory-budget-mb", mb);
        Assert.True(code == 1, $"exit {code}\n{stderr}"); // bad input (CliErrors.InputError)
        Assert.Contains($"--memory-budget-mb {mb}: the memory budget must be a positive number of MiB", stderr);
    }

    [Theory]
    [InlineData("bf16")]
    [InlineData("f32")]
    public void The_estimate_is_within_a_quarter_of_the_measured_growth(string dtype)
    {
        var dir = Path.Combine(_dir, dtype);
        var (code, _, stderr) = Run("bench", "load", "--write-random", dir, "--shape", "llama-small", "--dtype", dtype);
        Assert.True(code == 0, stderr);
        (code, var stdout, stderr) = Run("bench", "load", "--model", dir, "--tokens", "128");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        double estimate = doc.RootElement.GetProperty("estimate_mb").GetDouble(), grown = doc.RootElement.GetProperty("grown_mb").GetDouble();
        Assert.True(estimate >= 0.75 * grown && estimate <= 1.25 * grown,
            $"{dtype}: estimate {estimate:F1} MiB vs measured {grown:F1} MiB (ratio {estimate / grown:F2}, allowed 0.75–1.25)\n{stdout}");
    }
}
