using AttentionLens.Models;

namespace AttentionLens.Tests.Models;

/// <summary>
/// Runs one model folder on one transformers reference case and compares every output the reference
/// holds: each batch row goes through our batch-1 forward with its own mask and token types and is
/// compared with that row (attentions, hidden states, and the head's outputs under transformers'
/// names: logits — LM [T, V], sequence classifier [N] or token classifier [T, N] by the model's head —
/// start_logits/end_logits [T], pooler_output [C]). Shared by every golden test, whatever folder the
/// goldens live in (../shared/golden/hf, tests/goldens/…).
/// </summary>
internal static class GoldenComparison
{
    public const double Atol = 1e-4;

    /// <param name="modelFolder">The checkpoint folder (config.json + weights, reference/ inside).</param>
    /// <param name="caseName">The reference file's name without extension.</param>
    /// <param name="label">How failures name the folder.</param>
    public static void Check(string modelFolder, string caseName, string label)
    {
        var model = ModelLoader.Load(modelFolder);
        using var reference = new ReferenceCase(Path.Combine(modelFolder, "reference", caseName + ".safetensors"));
        var info = model.Info;
        int t = reference.Tokens, l = info.Layers, h = info.Heads, c = info.HiddenSize;
        for (int b = 0; b < reference.Batch; b++)
        {
            var input = new ForwardInput(reference.InputRow("input.input_ids", b)!, reference.InputRow("input.token_type_ids", b), reference.InputRow("input.attention_mask", b));
            var result = model.Forward(input);
            string where = $"{label}/{caseName} row {b}";
            TensorAssert.Close($"{where} attentions", reference.BatchSlice("attentions", b, 1), result.Attentions, Atol, l, h, t, t);
            TensorAssert.Close($"{where} hidden_states", reference.BatchSlice("hidden_states", b, 1), result.HiddenStates, Atol, l + 1, t, c);
            if (reference.Has("logits"))
            {
                var expected = reference.BatchSlice("logits", b, 0);
                switch (info.Head)
                {
                    case ModelHead.SequenceClassification:
                        Assert.NotNull(result.ClassifierLogits);
                        TensorAssert.Close($"{where} logits (sequence classifier)", expected, result.ClassifierLogits, Atol, info.NumLabels);
                        break;
                    case ModelHead.TokenClassification:
                        Assert.NotNull(result.TokenClassifierLogits);
                        TensorAssert.Close($"{where} logits (token classifier)", expected, result.TokenClassifierLogits, Atol, t, info.NumLabels);
                        break;
                    default:
                        Assert.NotNull(result.Logits);
                        TensorAssert.Close($"{where} logits", expected, result.Logits, Atol, t, info.VocabSize);
                        break;
                }
            }
            else
            {
                Assert.Null(result.Logits);
                Assert.Null(result.ClassifierLogits);
                Assert.Null(result.TokenClassifierLogits);
            }
            foreach (var (name, actual) in new[] { ("start_logits", result.StartLogits), ("end_logits", result.EndLogits) })
            {
                if (!reference.Has(name)) continue;
                Assert.NotNull(actual);
                TensorAssert.Close($"{where} {name}", reference.BatchSlice(name, b, 0), actual, Atol, t);
            }
            if (reference.Has("pooler_output"))
            {
                Assert.NotNull(result.PooledOutput);
                TensorAssert.Close($"{where} pooler_output", reference.BatchSlice("pooler_output", b, 0), result.PooledOutput, Atol, c);
            }
        }
    }
}
