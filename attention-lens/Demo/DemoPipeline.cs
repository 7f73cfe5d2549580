using System.Diagnostics;
using System.Globalization;
using AttentionLens.Analysis;
using AttentionLens.Models;
using AttentionLens.Tokenizers;

namespace AttentionLens.Demo;

/// <summary>
/// The demo: the bundled sentence through the bundled models, every method, and the
/// pre-trained vs fine-tuned comparison of DeRose et al. (2020). The BERT pair reads a
/// past-tense sentence whose verb carries no number, so the subject noun is the one word that
/// answers the classifier's question (singular or plural subject?); GPT-2 reads the prefix
/// before a verb it must make agree with that subject.
/// </summary>
public static class DemoPipeline
{
    /// <summary>The bundled sentence: "keys" decides the number, "cabinet" is the attractor.</summary>
    public const string Sentence = "the keys to the old cabinet fell on the floor";

    /// <summary>The bundled prefix for GPT-2, which should continue with "are", not "is".</summary>
    public const string Prefix = "the keys to the old cabinet";

    public static DemoRun Run(DemoModels models, string sentence = Sentence, string prefix = Prefix, CancellationToken cancellationToken = default)
    {
        var timings = new Dictionary<string, double>();
        var total = Stopwatch.StartNew();
        var clock = Stopwatch.StartNew();
        var pretrained = ModelLoader.Load(models.BertPretrained);
        var finetuned = ModelLoader.Load(models.BertFinetuned);
        var gpt2 = ModelLoader.Load(models.Gpt2);
        var bertTokenizer = TokenizerLoader.Load(models.BertFinetuned);
        var gpt2Tokenizer = TokenizerLoader.Load(models.Gpt2);
        timings["load models and tokenizers"] = clock.Elapsed.TotalMilliseconds;

        // Every registered method (docs/methods.md); those a model cannot supply are reported unavailable.
        var methods = new HashSet<AnalysisMethod>(AnalysisMethod.All);
        var bertEncoding = bertTokenizer.Encode(sentence);
        var bertInput = new ForwardInput(bertEncoding.Ids, bertEncoding.TypeIds);
        var gptEncoding = gpt2Tokenizer.Encode(prefix);
        var gptInput = new ForwardInput(gptEncoding.Ids);

        DemoAnalysis Analyse(string name, string description, ITransformerModel model, string text, Encoding encoding, ForwardInput input, int target, Func<AnalysisResult, string?> predict)
        {
            var watch = Stopwatch.StartNew();
            var result = Analyzer.Analyze(model, input, new AnalysisOptions { Methods = methods, Target = target }, cancellationToken);
            var forward = model.Forward(input, cancellationToken: cancellationToken);
            var prediction = predict(result);
            timings[$"analyse {name}"] = watch.Elapsed.TotalMilliseconds;
            return new DemoAnalysis(name, description, model.Info, text, encoding, result, prediction) { Attentions = forward.Attentions };
        }

        var analyses = new[]
        {
            Analyse("bert-pretrained", "tiny BERT pre-trained with masked-language modelling; target [CLS]", pretrained, sentence, bertEncoding, bertInput, 0, _ => null),
            Analyse("bert-finetuned", "the same BERT fine-tuned to classify the subject as singular or plural; target [CLS]", finetuned, sentence, bertEncoding, bertInput, 0,
                r => r.Prediction is { } p ? Describe(p) : null),
            Analyse("gpt2", "tiny GPT-2 trained on next-word prediction; target the last word, which predicts the verb", gpt2, prefix, gptEncoding, gptInput, gptEncoding.Count - 1,
                r => r.Prediction is { } p ? NextWord(gpt2Tokenizer, p) : null),
        };

        var comparison = ModelComparer.Compare(analyses[0].Result, bertEncoding.Tokens, analyses[1].Result, bertEncoding.Tokens, sentence, sentence);
        timings["total"] = total.Elapsed.TotalMilliseconds;
        return new DemoRun(analyses, comparison, timings);
    }

    /// <summary>"plural (p = 0.980, predicted; also singular 0.020)": the explained label
    /// (<see cref="PredictionSummary"/>, the one the analysis and faithfulness use) and the others.</summary>
    private static string Describe(PredictionSummary p)
    {
        var others = string.Join(", ", p.Alternatives.Where(a => a.Index != p.Index).Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Label} {a.Probability:0.000}")));
        return string.Create(CultureInfo.InvariantCulture, $"{p.Label} (p = {p.Probability:0.000}, {(p.Chosen ? "chosen" : "predicted")}{(others.Length > 0 ? "; also " + others : "")})");
    }

    /// <summary>"next word: are (p = 0.91)": the explained next token at the target.</summary>
    private static string NextWord(ITokenizer tokenizer, PredictionSummary p) =>
        string.Create(CultureInfo.InvariantCulture, $"next word: {tokenizer.IdToToken(p.Index) ?? p.Label} (p = {p.Probability:0.000})");
}
