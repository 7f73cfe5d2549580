using System.Buffers.Binary;
using System.CommandLine;
using AttentionLens.Checkpoints;
using AttentionLens.Server.Cli;
using AttentionLens.Tests.Checkpoints;

namespace AttentionLens.Tests.Server;

/// <summary>
/// Every class of malformed command-line input, run in process through <see cref="CliErrors"/>
/// (what Program.cs runs): each ends in one "error:" line naming the option, file or value and
/// exit code 1 — never a stack trace; an unexpected exception is exit code 70 with "please report".
/// </summary>
public sealed class CliErrorTests
{
    private static string Model => SharedData.Path("models", "stories260K");

    private static async Task<(int Code, string Error)> RunAsync(params string[] args)
    {
        var root = new RootCommand { AnalyzeCommand.Create(), CompareCommand.Create(), FlowCommand.Create(), ForwardCommand.Create(), TokenizeCommand.Create() };
        var error = new StringWriter();
        int code = await CliErrors.InvokeAsync(root, args, new StringWriter(), error);
        return (code, error.ToString());
    }

    private static async Task<string> RefusedAsync(string expected, params string[] args)
    {
        var (code, error) = await RunAsync(args);
        Assert.True(code == CliErrors.InputError, $"exit code {code}, stderr: {error}");
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", error, StringComparison.Ordinal);
        return error;
    }

    [Fact]
    public async Task OutInAMissingFolderCreatesIt()
    {
        using var dir = new TempDirectory();
        var file = Path.Combine(dir.Path, "new", "deeper", "result.json");
        var (code, error) = await RunAsync("analyze", "--model", Model, "--text", "Lily saw a cat.", "--out", file);
        Assert.True(code == 0, error);
        Assert.Contains("\"tokens\"", await File.ReadAllTextAsync(file), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutThatIsAFolderIsRefusedBeforeTheAnalysis()
    {
        using var dir = new TempDirectory();
        await RefusedAsync("is a folder", "analyze", "--model", Model, "--text", "hi", "--out", dir.Path);
        await RefusedAsync("is a folder", "compare", "--model-a", Model, "--model-b", Model, "--text", "hi", "--out", dir.Path);
    }

    [Fact]
    public void DemoOutputThatIsAFolderIsRefusedBeforeTheDemoRuns()
    {
        using var dir = new TempDirectory();
        var stderr = new StringWriter();
        Assert.Equal(CliErrors.InputError, DemoCommand.Run(new StringWriter(), stderr, null, dir.Path, CancellationToken.None));
        Assert.Contains("--output", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("is a folder", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutUnderAFileIsRefused()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("plain"), "x");
        await RefusedAsync("--out", "analyze", "--model", Model, "--text", "hi", "--out", Path.Combine(dir.File("plain"), "r.json"));
    }

    [Theory]
    [InlineData("rollout,,flow", "entry 2 is empty")]
    [InlineData("", "entry 1 is empty")]
    [InlineData(" , ", "entry 1 is empty")]
    [InlineData("rollout,telepathy", "telepathy")]
    public async Task MalformedMethodListsAreRefused(string methods, string expected) =>
        await RefusedAsync(expected, "analyze", "--model", Model, "--text", "hi", "--methods", methods);

    [Theory]
    [InlineData("abc")]
    [InlineData("1e99")]
    [InlineData("99999999999999999999")]
    public async Task BadNumbersAreRefused(string target) =>
        await RefusedAsync("--target", "analyze", "--model", Model, "--text", "hi", "--target", target);

    [Fact]
    public async Task TargetOutsideTheTokensIsRefused() =>
        await RefusedAsync("target -5", "analyze", "--model", Model, "--text", "hi", "--target", "-5");

    [Fact]
    public async Task MissingModelFolderIsRefused() =>
        await RefusedAsync("no-such-model", "analyze", "--model", "/no/such/folder/no-such-model", "--text", "hi");

    [Fact]
    public async Task ModelPathWithAControlCharacterOrNulIsRefused()
    {
        await RefusedAsync("error:", "analyze", "--model", "/tmp/a\u0001b", "--text", "hi");
        await RefusedAsync("NUL", "forward", "--model", "/tmp/a\0b", "--ids", "1,2", "--out", Path.Combine(Path.GetTempPath(), "unused.safetensors"));
    }

    /// <summary>A checkpoint folder whose weights file is a device, a FIFO or a folder.</summary>
    [Theory]
    [InlineData("device")]
    [InlineData("fifo")]
    [InlineData("folder")]
    [InlineData("truncated")]
    public async Task WeightsThatAreNotAFileAreRefused(string kind)
    {
        using var dir = new TempDirectory();
        foreach (var f in new[] { "config.json", "tokenizer.json", "tokenizer_config.json" })
            File.Copy(Path.Combine(Model, f), dir.File(f));
        var weights = dir.File("model.safetensors");
        switch (kind)
        {
            case "device": File.CreateSymbolicLink(weights, "/dev/zero"); break;
            case "fifo": Assert.Equal(0, System.Diagnostics.Process.Start("mkfifo", weights).WaitForExitAndCode()); break;
            case "folder": Directory.CreateDirectory(weights); break;
            case "truncated": File.WriteAllBytes(weights, File.ReadAllBytes(Path.Combine(Model, "model.safetensors"))[..5000]); break;
        }
        var run = RunAsync("forward", "--model", dir.Path, "--ids", "1,2,3", "--out", dir.File("out.safetensors"));
        Assert.True(await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(20))) == run, "the CLI hung on a " + kind);
        var (code, error) = await run;
        Assert.True(code == CliErrors.InputError, $"exit code {code}: {error}");
        Assert.Contains("model.safetensors", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreadableAndMalformedInputFilesAreRefused()
    {
        using var dir = new TempDirectory();
        await RefusedAsync("does not exist", "flow", "--attention", dir.File("missing.npy"), "--out", dir.File("o.npy"));
        await RefusedAsync("not a regular file", "flow", "--attention", "/dev/zero", "--out", dir.File("o.npy"));
        var npy = dir.File("forged.npy");
        NpyFile.WriteFloat32(npy, [1f], 1, 1, 1, 1);
        var bytes = File.ReadAllBytes(npy);
        var forged = System.Text.Encoding.ASCII.GetBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }");
        var file = new byte[10 + forged.Length + 4];
        bytes.AsSpan(0, 8).CopyTo(file);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(8), (ushort)forged.Length);
        forged.CopyTo(file, 10);
        File.WriteAllBytes(npy, file);
        await RefusedAsync("forged.npy", "flow", "--attention", npy, "--out", dir.File("o.npy"));
        await RefusedAsync("does not exist", "tokenize", "--tokenizer", Model, "--input-jsonl", dir.File("missing.jsonl"));
        File.WriteAllText(dir.File("bad.jsonl"), "{\"text\": \"ok\"}\n[1, 2\n");
        await RefusedAsync("line 2", "tokenize", "--tokenizer", Model, "--input-jsonl", dir.File("bad.jsonl"));
        await RefusedAsync("--ids", "forward", "--model", Model, "--ids", "1,x,3", "--out", dir.File("o.safetensors"));
    }

    [Fact]
    public async Task UnexpectedExceptionsAreReportedAsBugsWithTheirOwnCode()
    {
        var broken = new Command("broken");
        broken.SetAction(new Func<ParseResult, int>(_ => throw new InvalidOperationException("invariant violated\nsecond line")));
        var cancelled = new Command("cancelled");
        cancelled.SetAction(new Func<ParseResult, int>(_ => throw new OperationCanceledException()));
        var root = new RootCommand { broken, cancelled };
        var error = new StringWriter();
        Assert.Equal(CliErrors.InternalError, await CliErrors.InvokeAsync(root, ["broken"], new StringWriter(), error));
        Assert.Contains("please report", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("second line", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(CliErrors.Cancelled, await CliErrors.InvokeAsync(root, ["cancelled"], new StringWriter(), new StringWriter()));
    }
}

internal static class ProcessExtensions
{
    public static int WaitForExitAndCode(this System.Diagnostics.Process? process)
    {
        process!.WaitForExit();
        return process.ExitCode;
    }
}
