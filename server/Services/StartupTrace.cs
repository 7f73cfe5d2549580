using System.Diagnostics;

namespace AttentionLens.Server.Services;

/// <summary>
/// Where the server's startup time goes, on stderr (never stdout: it carries protocol frames), when
/// <c>ATTENTION_LENS_STARTUP_TRACE=1</c>: each mark prints the milliseconds since the process
/// started, the process's CPU time so far (all threads; what scripts/bench-server-startup.sh
/// compares) and the managed thread. <c>ATTENTION_LENS_STARTUP_TRACE=loads</c> also prints every
/// assembly load and first-chance exception with the stack that caused it. Off, a mark is one
/// static bool test. Diagnostics only; the measure that counts is scripts/bench-server-startup.sh.
/// </summary>
public static class StartupTrace
{
    private static readonly string? Mode = Environment.GetEnvironmentVariable("ATTENTION_LENS_STARTUP_TRACE") switch
    {
        "1" => "1",
        "loads" => "loads",
        _ => null,
    };
    private static readonly DateTime ProcessStart = Mode is null ? default : StartTime();

    /// <summary>Call first thing: hooks the load and exception reports when asked for.</summary>
    public static void Start()
    {
        if (Mode is not "loads") return;
        AppDomain.CurrentDomain.AssemblyLoad += (_, e) => Write($"load {e.LoadedAssembly.GetName().Name}\n{Environment.StackTrace}");
        AppDomain.CurrentDomain.FirstChanceException += (_, e) => Write($"exception {e.Exception.GetType().Name}: {e.Exception.Message}\n{Environment.StackTrace}");
    }

    public static void Mark(string what)
    {
        if (Mode is not null) Write(what);
    }

    // Its own method: System.Diagnostics.Process is loaded only when tracing.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static DateTime StartTime() => Process.GetCurrentProcess().StartTime.ToUniversalTime();

    private static void Write(string what) =>
        Console.Error.WriteLine($"[startup] {(DateTime.UtcNow - ProcessStart).TotalMilliseconds,7:F1} ms, CPU {Environment.CpuUsage.TotalTime.TotalMilliseconds,6:F1} ms: {what} (thread {Environment.CurrentManagedThreadId})");
}
