using AttentionLens.Models;

namespace AttentionLens.Tests.Models;

/// <summary>
/// <see cref="ForwardOptions.LogitRows"/>: the causal LM heads (Llama, GPT-2, in float32 and as
/// stored 16-bit checkpoints) multiply only the requested positions, and those rows equal the rows
/// of the full (T, V) logits; <see cref="ForwardResult.LogitsAt"/> reads either form and names a
/// position that was not computed.
/// </summary>
public class LogitRowsTests
{
    [Theory]
    [InlineData("llama")]
    [InlineData("llama_bf16")]
    [InlineData("gpt2")]
    [InlineData("gpt2_fp16")]
    public void Requested_rows_equal_those_of_the_full_logits(string folder)
    {
        var model = ModelLoader.Load(SharedData.Path("golden", "hf", folder));
        int t = Math.Min(7, model.Info.MaxPositions);
        var input = new ForwardInput(Enumerable.Range(0, t).Select(i => (i * 5 + 3) % model.Info.VocabSize).ToArray());
        var full = model.Forward(input, new ForwardOptions());
        int[] rows = [t - 1, 0, 3];
        var some = model.Forward(input, new ForwardOptions { LogitRows = rows });
        Assert.Null(full.LogitRows);
        Assert.Equal(rows, some.LogitRows);
        int v = model.Info.VocabSize;
        Assert.Equal(rows.Length * v, some.Logits!.Length);
        foreach (int r in rows)
            Tensors.KernelAssert.Close(full.Logits.AsSpan(r * v, v), some.LogitsAt(r), _ => 1e-5, $"{folder} row {r}");
        Assert.Equal(full.Logits.AsSpan(2 * v, v).ToArray(), full.LogitsAt(2).ToArray());
        var missing = Assert.ThrowsAny<AttentionLensException>(() => some.LogitsAt(1));
        Assert.Contains("position 1", missing.Message);
    }

    [Fact]
    public void A_row_outside_the_input_is_refused()
    {
        var model = ModelLoader.Load(SharedData.Path("golden", "hf", "gpt2"));
        var e = Assert.ThrowsAny<AttentionLensException>(() => model.Forward(new ForwardInput([1, 2, 3]), new ForwardOptions { LogitRows = [3] }));
        Assert.Contains("logit row 3", e.Message);
    }
}
