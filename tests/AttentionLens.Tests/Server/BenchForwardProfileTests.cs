using System.Diagnostics;
using System.Text.Json;

namespace AttentionLens.Tests.Server;

/// <summary>
/// `bench forward --profile` splits a forward's time by kernel kind through a decorator of the
/// kernels; every call must reach a bucket. BERT-base (random weights, 8 tokens, one run) makes per
/// forward 12 × 6 linear layers (q, k, v, o, up, down) + the pooler on float32 weights, 12 attention
/// calls, 12 × 2 + 1 LayerNorms (the embeddings' included) and 12 GELUs. No timing is asserted.
/// </summary>
public sealed class BenchForwardProfileTests
{
    [Fact]
    public void Profile_counts_every_kernel_call_of_a_bert_base_forward()
    {
        var exe = Path.Combine(AppContext.BaseDirectory, "attention-lens.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { exe, "bench", "forward", "--model", "bert-base", "--tokens", "8", "--runs", "1", "--threads", "1", "--profile" })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(300_000), "bench forward did not finish");
        Assert.True(p.ExitCode == 0, stderr.Result);

        var lines = stdout.Result.Trim().Split('\n');
        Assert.Equal(2, lines.Length);
        using var timing = JsonDocument.Parse(lines[0]);
        Assert.True(timing.RootElement.GetProperty("cpu_s").GetDouble() > 0);
        using var profile = JsonDocument.Parse(lines[1]);
        var buckets = profile.RootElement.GetProperty("profile");
        int Calls(string name) => buckets.GetProperty(name).GetProperty("calls").GetInt32();
        int gemm = buckets.EnumerateObject().Where(b => b.Name.StartsWith("gemm_weights32", StringComparison.Ordinal)).Sum(b => b.Value.GetProperty("calls").GetInt32());
        Assert.Equal(12 * 6 + 1, gemm);
        Assert.Equal(12, Calls("attention"));
        Assert.Equal(12 * 2 + 1, Calls("norm"));
        Assert.Equal(12, Calls("activation"));
        double shares = buckets.EnumerateObject().Sum(b => b.Value.GetProperty("share").GetDouble());
        Assert.InRange(shares, 0.99, 1.01);
    }
}
