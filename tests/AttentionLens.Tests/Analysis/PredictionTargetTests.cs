using AttentionLens.Analysis;
using AttentionLens.Models;
using AttentionLens.Tests.Models;

namespace AttentionLens.Tests.Analysis;

/// <summary>
/// Each head's notion of "the prediction" and occlusion's drop of exactly that quantity, on a fake
/// whose outputs are hand-computable: s = Σ w_j over unmasked tokens j with w = [0.5, −1, 2, 1]
/// (s = 2.5 on the full input), so removing token j lowers s by w_j.
/// </summary>
public sealed class PredictionTargetTests
{
    private static readonly double[] W = [0.5, -1, 2, 1];

    [Fact]
    public void SequenceClassifierExplainsThePredictedLabelWithItsProbability()
    {
        var model = new HeadFake(ModelHead.SequenceClassification);
        var (drops, p) = Occlusion.Compute(model, new ForwardInput([4, 5, 6, 7]), 0, PredictionChoice.Predicted);
        // logits [s, 1] = [2.5, 1]: label 0 ("positive"), p = e^2.5 / (e^2.5 + e^1).
        Assert.Equal(0, p.Index);
        Assert.Equal("positive", p.Label);
        Assert.Equal(Math.Exp(2.5) / (Math.Exp(2.5) + Math.E), p.Probability, 9);
        Assert.Equal(W, drops.Select(d => Math.Round(d, 6)));
        Assert.Contains("label 'positive'", p.Description);
    }

    [Fact]
    public void SequenceClassifierExplainsALabelTheCallerPicks()
    {
        var model = new HeadFake(ModelHead.SequenceClassification);
        var (drops, p) = Occlusion.Compute(model, new ForwardInput([4, 5, 6, 7]), 0, new PredictionChoice(Label: 1));
        Assert.Equal("negative", p.Label);
        Assert.Equal(Math.E / (Math.Exp(2.5) + Math.E), p.Probability, 9);
        Assert.All(drops, d => Assert.Equal(0, d, 9)); // label 1's logit is the constant 1
        Assert.Throws<AnalysisException>(() => Occlusion.Compute(model, new ForwardInput([4, 5, 6, 7]), 0, new PredictionChoice(Label: 2)));
    }

    [Fact]
    public void TokenClassifierExplainsTheChosenTokensLabel()
    {
        var model = new HeadFake(ModelHead.TokenClassification);
        // Row i of the logits is [1, s − i]: at position 1, s − 1 = 1.5 > 1, label 1 ("B-PER"); at position 3, −0.5 < 1, label 0.
        var (drops, p) = Occlusion.Compute(model, new ForwardInput([4, 5, 6, 7]), 1, PredictionChoice.Predicted);
        Assert.Equal((1, 1, "B-PER"), (p.Position, p.Index, p.Label));
        Assert.Equal(Math.Exp(1.5) / (Math.Exp(1.5) + Math.E), p.Probability, 9);
        Assert.Equal(W, drops.Select(d => Math.Round(d, 6)));
        var (_, at3) = Occlusion.Compute(model, new ForwardInput([4, 5, 6, 7]), 3, PredictionChoice.Predicted);
        Assert.Equal((3, 0, "O"), (at3.Position, at3.Index, at3.Label));
    }

    [Fact]
    public void OneOutputTokenHeadReportsTheSigmoid()
    {
        var model = new HeadFake(ModelHead.TokenClassification, labels: 1);
        var (drops, p) = Occlusion.Compute(model, new ForwardInput([4, 5, 6, 7]), 2, PredictionChoice.Predicted);
        Assert.Equal("replaced", p.Label);
        Assert.Equal(1 / (1 + Math.Exp(-(2.5 - 2))), p.Probability, 9);
        Assert.Equal(W, drops.Select(d => Math.Round(d, 6)));
    }

    [Fact]
    public void QuestionAnsweringExplainsTheStartOrTheEndOfThePredictedSpan()
    {
        var model = new HeadFake(ModelHead.QuestionAnswering);
        // start = [0, 0, s, 0], end = [0, 0, 0, s/2]: the span is 2..3; start logit drops by w_j, end logit by w_j / 2.
        var (startDrops, start) = Occlusion.Compute(model, new ForwardInput([4, 5, 6, 7]), 0, PredictionChoice.Predicted);
        Assert.Equal((2, "start"), (start.Position, start.Label));
        Assert.Equal(Math.Exp(2.5) / (Math.Exp(2.5) + 3), start.Probability, 9);
        Assert.Equal(W, startDrops.Select(d => Math.Round(d, 6)));
        var (endDrops, end) = Occlusion.Compute(model, new ForwardInput([4, 5, 6, 7]), 0, new PredictionChoice(SpanEnd: true));
        Assert.Equal((3, "end"), (end.Position, end.Label));
        Assert.Equal(W.Select(w => w / 2), endDrops.Select(d => Math.Round(d, 6)));
        Assert.Contains("span 2..3", end.Description);
    }

    [Fact]
    public void BestSpanKeepsStartBeforeEndWithinTheLengthLimitAndSkipsPadding()
    {
        // The best pair overall would be (3, 1), which ends before it starts; then (3, 3).
        Assert.Equal((3, 3), PredictionTarget.BestSpan([0f, 0, 0, 5], [0f, 4, 0, 1], null));
        // With token 3 masked the span must avoid it.
        Assert.Equal((0, 1), PredictionTarget.BestSpan([1f, 0, 0, 5], [0f, 9, 0, 1], [1, 1, 1, 0]));
        var far = Enumerable.Repeat(-100f, 40).ToArray();
        var farEnd = new float[40];
        far[0] = 1;
        farEnd[30] = 5; // 31 tokens long: beyond the 15-token limit
        farEnd[10] = 1;
        Assert.Equal((0, 10), PredictionTarget.BestSpan(far, farEnd, null));
    }

    [Fact]
    public void MaskedAndCausalLmsKeepTheirTokenPredictions()
    {
        var mlm = new FakeModel(causal: false, [0.5, -1, 2]);
        var (_, masked) = Occlusion.Compute(mlm, new ForwardInput([1, 0, 1]), 1, PredictionChoice.Predicted);
        Assert.Equal((ModelHead.MaskedLM, 0), (masked.Head, masked.Index));
        var causal = new FakeModel(causal: true, [Math.Log(3), 0, Math.Log(2)]);
        var (_, next) = Occlusion.Compute(causal, new ForwardInput([5, 6, 7]), 2, PredictionChoice.Predicted);
        Assert.Equal((ModelHead.CausalLM, 0), (next.Head, next.Index));
        Assert.Equal(6.0 / 7, next.Probability, 6);
    }

    /// <summary>On a real QA checkpoint the predicted span is the one transformers' own logits give.</summary>
    [Fact]
    public void QuestionAnsweringSpanMatchesTransformersLogits()
    {
        string folder = Path.Combine(EncoderGoldenTests.Root, "deberta_v2_qa");
        using var reference = new ReferenceCase(Path.Combine(folder, "reference", "single.safetensors"));
        var input = new ForwardInput(reference.InputRow("input.input_ids", 0)!);
        var model = ModelLoader.Load(folder);
        var p = PredictionTarget.Of(model.Info, model.Forward(input), input, 0);
        var expected = PredictionTarget.BestSpan(reference.BatchSlice("start_logits", 0, 0), reference.BatchSlice("end_logits", 0, 0), null);
        Assert.Equal(expected.Start, p.Position);
        Assert.Equal(reference.BatchSlice("start_logits", 0, 0)[expected.Start], (float)p.Score(model.Forward(input)), 4);
    }

    [Fact]
    public void AnalysisOfAQaModelDefaultsToThePredictedSpanStart()
    {
        var model = ModelLoader.Load(Path.Combine(EncoderGoldenTests.Root, "electra_qa"));
        var input = new ForwardInput([2, 10, 20, 30, 40, 50, 60, 3]);
        var expected = PredictionTarget.Of(model.Info, model.Forward(input), input, 0).Position;
        var result = Analyzer.Analyze(model, input, new AnalysisOptions { Methods = new HashSet<AnalysisMethod> { AnalysisMethod.Rollout, AnalysisMethod.Faithfulness } });
        Assert.Equal(expected, result.Target);
        Assert.Contains($"start logit of the predicted span {expected}..", result.Faithfulness!.TargetDescription);
    }

    /// <summary>A head fake over W (see the class summary).</summary>
    private sealed class HeadFake(ModelHead head, int labels = 2) : ITransformerModel
    {
        public ModelInfo Info { get; } = new("fake-encoder", "FakeFor" + head, 1, 1, 1, 2, 2, 8, 0, false, false,
            head is ModelHead.SequenceClassification or ModelHead.TokenClassification ? labels : 0, 64)
        {
            Head = head,
            Labels = head == ModelHead.SequenceClassification ? ["positive", "negative"]
                : head == ModelHead.TokenClassification ? (labels == 1 ? ["replaced"] : ["O", "B-PER"]) : [],
        };

        public ForwardResult Forward(ForwardInput input, ForwardOptions? options = null, CancellationToken cancellationToken = default)
        {
            int t = input.Length;
            var mask = input.AttentionMask ?? Enumerable.Repeat(1, t).ToArray();
            float s = (float)Enumerable.Range(0, t).Where(j => mask[j] == 1).Sum(j => W[j]);
            var result = new ForwardResult
            {
                Layers = 1, Heads = 1, Tokens = t, Hidden = 2,
                Attentions = new float[t * t], HiddenStates = new float[2 * t * 2],
                ClassifierLogits = head == ModelHead.SequenceClassification ? [s, 1f] : null,
                TokenClassifierLogits = head == ModelHead.TokenClassification
                    ? Enumerable.Range(0, t).SelectMany(i => labels == 1 ? new[] { s - i } : new[] { 1f, s - i }).ToArray() : null,
                StartLogits = head == ModelHead.QuestionAnswering ? Enumerable.Range(0, t).Select(i => i == 2 ? s : 0f).ToArray() : null,
                EndLogits = head == ModelHead.QuestionAnswering ? Enumerable.Range(0, t).Select(i => i == 3 ? s / 2 : 0f).ToArray() : null,
            };
            return result;
        }
    }
}
