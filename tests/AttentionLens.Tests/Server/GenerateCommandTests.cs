using System.Text.Json;
using AttentionLens.Server.Protocol;

namespace AttentionLens.Tests.Server;

/// <summary>`attention-lens generate` as a user runs it (a child process): stories260K continues the
/// manifest's first prompt with the reference greedy text, `--json` prints the attentionLens/generate
/// result, a seed reproduces a sampled continuation, and bad input is one `error:` line with exit code 1.</summary>
public class GenerateCommandTests
{
    private static readonly string Stories = SharedData.Path("models", "stories260K");
    private const string Prompt = "Once upon a time, there was a little girl named Lily.";

    private static (int Code, string Out, string Err) Run(params string[] args) => CliProcess.Run(180_000, args);

    [Fact]
    public void Greedy_text_and_json_equal_the_reference()
    {
        var (code, stdout, stderr) = Run("generate", "--model", Stories, "--text", Prompt, "--max-new-tokens", "24");
        Assert.True(code == 0, stderr);
        Assert.Equal(Prompt + " She loved to play outside in the park. One day, she saw a big,", stdout.TrimEnd('\n', '\r'));

        (code, stdout, stderr) = Run("generate", "--model", Stories, "--text", Prompt, "--max-new-tokens", "3", "--json");
        Assert.True(code == 0, stderr);
        var result = JsonSerializer.Deserialize(stdout, ProtocolJsonContext.Default.GenerateResult)!;
        Assert.Equal([338, 401, 396], result.Tokens.Select(t => t.Id));
        Assert.Equal(" She loved", result.Text);
        Assert.Equal("maxNewTokens", result.StopReason);
    }

    [Fact]
    public void A_seed_reproduces_a_sampled_continuation()
    {
        string[] args = ["generate", "--model", Stories, "--text", "Tom and his dog", "--max-new-tokens", "12", "--temperature", "1", "--top-p", "0.9", "--seed", "5"];
        var (code, first, stderr) = Run(args);
        Assert.True(code == 0, stderr);
        Assert.Equal(first, Run(args).Out);
    }

    [Theory]
    [InlineData("--max-new-tokens", "0", "maxNewTokens 0")]
    [InlineData("--top-p", "1.5", "topP 1.5")]
    [InlineData("--seed", "-1", "seed -1")]
    public void Bad_options_are_one_error_line(string option, string value, string named)
    {
        var (code, _, stderr) = Run("generate", "--model", Stories, "--text", "Once", option, value);
        Assert.Equal(1, code);
        Assert.Contains("error: ", stderr);
        Assert.Contains(named, stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void An_encoder_is_refused()
    {
        var (code, _, stderr) = Run("generate", "--model", SharedData.Path("golden", "hf", "bert"), "--text", "hello");
        Assert.Equal(1, code);
        Assert.Contains("causal language model", stderr);
    }
}
