using System.CommandLine;
using AttentionLens.Server.Cli;
using AttentionLens.Server.Protocol;

namespace AttentionLens.Tests.Server;

/// <summary>
/// <see cref="ServeArguments"/> (the editor's <c>serve</c> command lines, read without
/// System.CommandLine) against the reference, System.CommandLine's parse of <see cref="ServeCommand"/>:
/// every line the fast reader accepts must parse there without error to the same settings; the
/// lines the editor really sends must be accepted (or the fast path would never run); and
/// every other line — help, errors, other spellings — must be left to the parser.
/// </summary>
public sealed class ServeArgumentsTests
{
    public static TheoryData<string[]> Lines() => new()
    {
        Array.Empty<string>(),
        new[] { "--stdio" },
        new[] { "--max-tokens", "64" },
        new[] { "--memory-budget-mb", "2048", "--stdio" },
        new[] { "--stdio", "--model-path", "/models/a", "--model-path", "b c", "--max-tokens", "7" },
        new[] { "--model-path", "0" },
        new[] { "--max-tokens", "0" },
        new[] { "--max-tokens", "007" },
        new[] { "--max-tokens", "999999999" },
        new[] { "--max-tokens", "9999999999" },
        new[] { "--max-tokens", "-3" },
        new[] { "--max-tokens", "+3" },
        new[] { "--max-tokens", " 3" },
        new[] { "--max-tokens", "3.0" },
        new[] { "--max-tokens", "x" },
        new[] { "--max-tokens" },
        new[] { "--max-tokens", "3", "--max-tokens", "4" },
        new[] { "--max-tokens=3" },
        new[] { "--max-tokens:3" },
        new[] { "--stdio", "true" },
        new[] { "--stdio", "false" },
        new[] { "--stdio", "--stdio" },
        new[] { "--model-path" },
        new[] { "--model-path", "--stdio" },
        new[] { "--model-path", "@file.rsp" },
        new[] { "--model-path", "" },
        new[] { "--help" },
        new[] { "-h" },
        new[] { "-?" },
        new[] { "extra" },
        new[] { "--" },
        new[] { "@args.rsp" },
        new[] { "--STDIO" },
        new[] { "--unknown" },
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void What_the_fast_reader_accepts_the_parser_reads_the_same(string[] args)
    {
        var fast = ServeArguments.TryParse(args);
        var parsed = new RootCommand { ServeCommand.Create() }.Parse(["serve", .. args]);
        if (fast is null) return; // left to the parser, which reports whatever it finds
        Assert.True(parsed.Errors.Count == 0, $"accepted [{string.Join(' ', args)}], but the parser refuses it: {string.Join("; ", parsed.Errors.Select(e => e.Message))}");
        Assert.Same(parsed.CommandResult.Command, parsed.RootCommandResult.Command.Subcommands[0]);
        Assert.Equal(Describe(ServeCommand.Settings(parsed)), Describe(fast));
    }

    [Theory]
    [InlineData()]
    [InlineData("--stdio")]
    [InlineData("--stdio", "--max-tokens", "256", "--memory-budget-mb", "4096", "--model-path", "/m")]
    public void The_editors_command_lines_take_the_fast_path(params string[] args) =>
        Assert.NotNull(ServeArguments.TryParse(args));

    [Theory]
    [InlineData("--help")]
    [InlineData("--max-tokens", "x")]
    [InlineData("--max-tokens=3")]
    [InlineData("--stdio", "true")]
    [InlineData("--model-path", "--stdio")]
    [InlineData("extra")]
    public void Everything_else_is_left_to_the_parser(params string[] args) =>
        Assert.Null(ServeArguments.TryParse(args));

    private static string Describe(ServerSettings s) =>
        $"budget={s.MemoryBudgetMb?.ToString() ?? "null"} maxTokens={s.MaxTokens?.ToString() ?? "null"} " +
        $"modelPaths={(s.ModelPaths is null ? "null" : "[" + string.Join("|", s.ModelPaths) + "]")} " +
        $"others={s with { MemoryBudgetMb = null, MaxTokens = null, ModelPaths = null }}";
}
