using System.Diagnostics;

namespace AttentionLens.Tests;

/// <summary>
/// Runs the real `attention-lens` executable (the server project's output, copied beside the tests) in a child
/// process, as a user would: the command-line tests assert on its exit code, stdout and stderr separately (the
/// server must never mix diagnostics into stdout). Both streams are read concurrently so a chatty child cannot
/// block on a full pipe.
/// </summary>
public static class CliProcess
{
    /// <summary>Runs `attention-lens <paramref name="args"/>` and fails the test if it takes longer than
    /// <paramref name="timeoutMs"/>.</summary>
    public static (int Code, string Out, string Err) Run(int timeoutMs, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "attention-lens.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(timeoutMs), "attention-lens " + string.Join(" ", args) + " did not finish");
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
