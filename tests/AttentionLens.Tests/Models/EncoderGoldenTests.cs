using AttentionLens.Models;

namespace AttentionLens.Tests.Models;

/// <summary>
/// The encoder families and their task heads against transformers 4.48.0.dev0: every folder of
/// tests/goldens/encoders (written by its make_goldens.py) and every reference case in it. Each
/// batch row runs through our batch-1 forward with its own mask and token types; attentions, hidden
/// states and the head's outputs under transformers' names (logits, start_logits, end_logits) are
/// compared at atol 1e-4 (fp32 vs fp64 of the same models differ by ≤ 1.5e-5).
/// </summary>
public sealed class EncoderGoldenTests
{
    private const double Atol = 1e-4;

    public static string Root => Path.Combine(SharedData.RepositoryRoot, "tests", "goldens", "encoders");

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var folder in Directory.GetDirectories(Root).Select(Path.GetFileName).Order())
            foreach (var file in Directory.GetFiles(Path.Combine(Root, folder!, "reference"), "*.safetensors").Order())
                data.Add(folder!, Path.GetFileNameWithoutExtension(file));
        return data;
    }

    /// <summary>The folders' families whose configs have token types (type_vocab_size 2 in make_goldens.py).</summary>
    private static readonly string[] TokenTypeFamilies = ["bert", "electra", "albert"];

    [Fact]
    public void EveryFamilyAndHeadHasItsCases()
    {
        // Guards the theory's data source: every body and every head runs every case (single, random_long,
        // batch_padding), and pair_token_types where the family has token types. 5 bodies (electra and
        // albert with token types) and 29 heads (13 of bert, electra and albert with token types).
        foreach (var folder in Directory.GetDirectories(Root).Select(Path.GetFileName))
        {
            var cases = Directory.GetFiles(Path.Combine(Root, folder!, "reference"), "*.safetensors")
                .Select(Path.GetFileNameWithoutExtension).ToHashSet();
            bool tokenTypes = TokenTypeFamilies.Any(f => folder == f || folder!.StartsWith(f + "_", StringComparison.Ordinal));
            var expected = new HashSet<string?> { "single", "random_long", "batch_padding" };
            if (tokenTypes) expected.Add("pair_token_types");
            Assert.True(expected.SetEquals(cases), $"{folder}: cases {string.Join(",", cases.Order())}, expected {string.Join(",", expected.Order())}");
        }
        Assert.Equal(5 * 3 + 2 + 29 * 3 + 13, Cases().Count);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardMatchesTransformers(string folder, string caseName)
    {
        var model = ModelLoader.Load(Path.Combine(Root, folder));
        using var reference = new ReferenceCase(Path.Combine(Root, folder, "reference", caseName + ".safetensors"));
        var info = model.Info;
        int t = reference.Tokens, l = info.Layers, h = info.Heads, c = info.HiddenSize;
        for (int b = 0; b < reference.Batch; b++)
        {
            var input = new ForwardInput(reference.InputRow("input.input_ids", b)!, reference.InputRow("input.token_type_ids", b), reference.InputRow("input.attention_mask", b));
            var result = model.Forward(input);
            string where = $"{folder}/{caseName} row {b}";
            TensorAssert.Close($"{where} attentions", reference.BatchSlice("attentions", b, 1), result.Attentions, Atol, l, h, t, t);
            TensorAssert.Close($"{where} hidden_states", reference.BatchSlice("hidden_states", b, 1), result.HiddenStates, Atol, l + 1, t, c);
            CheckHead(where, info, reference, b, result);
        }
    }

    private static void CheckHead(string where, ModelInfo info, ReferenceCase reference, int b, ForwardResult result)
    {
        int t = reference.Tokens;
        switch (info.Head)
        {
            case ModelHead.MaskedLM:
                TensorAssert.Close($"{where} logits", reference.BatchSlice("logits", b, 0), result.Logits, Atol, t, info.VocabSize);
                break;
            case ModelHead.SequenceClassification:
                Assert.Null(result.Logits);
                TensorAssert.Close($"{where} logits", reference.BatchSlice("logits", b, 0), result.ClassifierLogits, Atol, info.NumLabels);
                break;
            case ModelHead.TokenClassification:
                // ElectraForPreTraining's logits are [B, T] (one "replaced" logit per token): NumLabels = 1.
                TensorAssert.Close($"{where} logits", reference.BatchSlice("logits", b, 0), result.TokenClassifierLogits, Atol, t, info.NumLabels);
                break;
            case ModelHead.QuestionAnswering:
                TensorAssert.Close($"{where} start_logits", reference.BatchSlice("start_logits", b, 0), result.StartLogits, Atol, t);
                TensorAssert.Close($"{where} end_logits", reference.BatchSlice("end_logits", b, 0), result.EndLogits, Atol, t);
                break;
            default:
                Assert.False(reference.Has("logits"), $"{where}: the reference has logits but the model loaded as {info.Architecture} without a head");
                if (reference.Has("pooler_output") && result.PooledOutput is not null)
                    TensorAssert.Close($"{where} pooler_output", reference.BatchSlice("pooler_output", b, 0), result.PooledOutput, Atol, info.HiddenSize);
                break;
        }
    }

    [Theory]
    [InlineData("bert_seqcls", ModelHead.SequenceClassification, "negative,neutral,positive")]
    [InlineData("roberta_tokcls", ModelHead.TokenClassification, "O,B-PER,I-PER,B-LOC,I-LOC")]
    [InlineData("electra_pretraining", ModelHead.TokenClassification, "replaced")]
    [InlineData("deberta_v2_qa", ModelHead.QuestionAnswering, "")]
    [InlineData("albert_mlm", ModelHead.MaskedLM, "")]
    [InlineData("deberta_v2", ModelHead.Base, "")]
    public void HeadAndLabelsComeFromTheConfig(string folder, ModelHead head, string labels)
    {
        var info = ModelLoader.Load(Path.Combine(Root, folder)).Info;
        Assert.Equal(head, info.Head);
        Assert.Equal(labels.Length == 0 ? [] : labels.Split(','), info.Labels);
        Assert.Equal(info.Labels.Count, info.NumLabels);
        Assert.Equal(head == ModelHead.MaskedLM, info.HasLmHead);
    }
}
