using System.Text;
using Xunit.Abstractions;

namespace AttentionLens.Tests.Fuzz;

/// <summary>
/// Runs one fuzz case under the properties every input class must hold: the load either succeeds
/// or throws an <see cref="AttentionLensException"/> whose message names the file; it finishes
/// within <see cref="CaseTimeout"/> (a hang is a failure, not a stuck test run); and the thread
/// that runs it allocates at most <see cref="MaxAllocatedBytes"/> (inputs are a few KB, so more
/// means a size field from the file drove an allocation). Failures are collected, not thrown, so
/// one run reports all of them with the case that caused each.
/// </summary>
internal sealed class FuzzHarness(string inputClass)
{
    public static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(10);

    public const long MaxAllocatedBytes = 64L << 20;

    private readonly List<string> _failures = [];
    private readonly List<(double Seconds, string Case)> _slowest = [];

    public string InputClass { get; } = inputClass;

    public int Cases { get; private set; }

    public int Loaded { get; private set; }

    public int Refused { get; private set; }

    /// <param name="description">The case (seed, mutations), printed when it fails.</param>
    /// <param name="fileName">What the error message must name (a file name or path).</param>
    /// <param name="load">Loads the input and uses it; throws on refusal.</param>
    /// <param name="mustNameFile">False for stages after loading (a forward), where any AttentionLensException is the contract.</param>
    public void Run(string description, string fileName, Action load, bool mustNameFile = true)
    {
        Cases++;
        Exception? caught = null;
        long allocated = 0;
        var thread = new Thread(() =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                load();
            }
            catch (Exception e)
            {
                caught = e;
            }
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }, 16 << 20) { IsBackground = true, Name = "fuzz case" };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        thread.Start();
        if (!thread.Join(CaseTimeout))
        {
            _failures.Add($"{description}: no answer within {CaseTimeout.TotalSeconds} s (hang)");
            return;
        }
        _slowest.Add((clock.Elapsed.TotalSeconds, description));
        _slowest.Sort((a, b) => b.Seconds.CompareTo(a.Seconds));
        if (_slowest.Count > 3) _slowest.RemoveAt(3);
        if (allocated > MaxAllocatedBytes)
            _failures.Add($"{description}: allocated {allocated / (1 << 20)} MiB (bound {MaxAllocatedBytes >> 20} MiB); a size field drove an allocation");
        if (caught is null)
        {
            Loaded++;
            return;
        }
        if (caught is AttentionLensException known && (!mustNameFile || known.Message.Contains(fileName, StringComparison.Ordinal)))
        {
            Refused++;
            return;
        }
        _failures.Add(caught is AttentionLensException
            ? $"{description}: the message does not name {fileName}: {caught.Message}"
            : $"{description}: {caught.GetType().FullName}: {caught.Message}\n{caught.StackTrace}");
    }

    /// <summary>Fails the test with every failure; otherwise writes the tally (the README's figures come from it).</summary>
    public void Verify(ITestOutputHelper output)
    {
        output.WriteLine($"{InputClass}: {Cases} cases, {Loaded} loaded, {Refused} refused with a clear error, {_failures.Count} failures");
        foreach (var (seconds, slow) in _slowest) output.WriteLine($"  slowest: {seconds:0.00} s {slow}");
        if (_failures.Count == 0) return;
        var text = new StringBuilder($"{InputClass}: {_failures.Count} of {Cases} cases broke the contract:\n");
        foreach (var f in _failures.Take(20)) text.AppendLine(f);
        Assert.Fail(text.ToString());
    }
}
