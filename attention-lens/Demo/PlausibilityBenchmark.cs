using AttentionLens.Analysis;
using AttentionLens.Models;
using AttentionLens.Tokenizers;

namespace AttentionLens.Demo;

/// <summary>
/// Plausibility on held-out grammar sentences, where the right answer is known: the subject noun.
/// BERT columns: the classification token ([CLS], the target) of the fine-tuned subject-number
/// classifier and of its pre-trained parent, on past-tense sentences whose verb carries no number,
/// so only the subject noun tells the answer (attractor nouns of the other number compete).
/// GPT-2 column: the last position of the prefix before the main verb, i.e. the position that
/// predicts the verb, on present-tense sentences whose verb agrees with the subject.
/// A hit is the subject ranking in the method's top k among the candidates: the word tokens other
/// than the target itself. (The target is [CLS], a special token, for BERT; for GPT-2 it is the
/// word before the verb, whose own position the residual term 0.5·I of rollout and flow, and the
/// causal mask, favour by construction — the question is which earlier word the method points to.)
/// </summary>
public sealed class PlausibilityBenchmark
{
    /// <summary>Every registered method that scores tokens; one a column's model cannot supply is n/a there.</summary>
    public static readonly IReadOnlyList<AnalysisMethod> Methods = MethodRegistry.TokenMethods;

    public static readonly IReadOnlyList<string> Columns =
        ["BERT fine-tuned [CLS]", "BERT pre-trained [CLS]", "GPT-2 (verb position)"];

    private readonly ITransformerModel _finetuned;
    private readonly ITransformerModel _pretrained;
    private readonly ITokenizer _bertTokenizer;
    private readonly ITransformerModel _gpt2;
    private readonly ITokenizer _gpt2Tokenizer;

    public PlausibilityBenchmark(ITransformerModel finetuned, ITransformerModel pretrained, ITokenizer bertTokenizer, ITransformerModel gpt2, ITokenizer gpt2Tokenizer)
    {
        _finetuned = finetuned;
        _pretrained = pretrained;
        _bertTokenizer = bertTokenizer;
        _gpt2 = gpt2;
        _gpt2Tokenizer = gpt2Tokenizer;
    }

    /// <summary>Loads the three demo models and their tokenizers.</summary>
    public static PlausibilityBenchmark Load(DemoModels models) => new(
        ModelLoader.Load(models.BertFinetuned),
        ModelLoader.Load(models.BertPretrained),
        TokenizerLoader.Load(models.BertFinetuned),
        ModelLoader.Load(models.Gpt2),
        TokenizerLoader.Load(models.Gpt2));

    /// <summary>Runs the benchmark on the first <paramref name="sentences"/> sentences of each list, for every
    /// token method or only <paramref name="only"/> (rows are independent: a subset reruns only those).</summary>
    public PlausibilityTable Run(HeldOutSet set, int k, int sentences, CancellationToken cancellationToken = default, IReadOnlyList<AnalysisMethod>? only = null)
    {
        var methods = only ?? Methods;
        if (k < 1)
        {
            throw new AttentionLensException($"--k must be at least 1 (got {k}).");
        }

        var n = Math.Min(sentences, Math.Min(set.Classification.Count, set.Agreement.Count));
        if (n < 1)
        {
            throw new AttentionLensException($"--sentences must be at least 1 (got {sentences}) and the held-out set must not be empty.");
        }

        var hits = methods.Select(_ => new int[Columns.Count]).ToArray();
        var unavailable = methods.Select(_ => new bool[Columns.Count]).ToArray();
        var chance = new double[Columns.Count];
        var classifierCorrect = 0;
        var agreeing = 0;
        var options = new AnalysisOptions { Methods = methods.ToHashSet() };

        for (var s = 0; s < n; s++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var sentence = set.Classification[s];
            var encoding = _bertTokenizer.Encode(sentence.Text);
            var input = new ForwardInput(encoding.Ids, encoding.TypeIds);
            var subject = WordAlignment.TokenOfWord(encoding, sentence.Text, sentence.Subject);
            var words = WordAlignment.WordTokens(encoding);
            var cls = options with { Target = 0 };
            Score(methods, Analyzer.Analyze(_finetuned, input, cls, cancellationToken), subject, words, k, hits, unavailable, 0);
            Score(methods, Analyzer.Analyze(_pretrained, input, cls, cancellationToken), subject, words, k, hits, unavailable, 1);
            chance[0] += Math.Min(k, words.Length) / (double)words.Length;
            var logits = _finetuned.Forward(input, cancellationToken: cancellationToken).ClassifierLogits
                ?? throw new AttentionLensException("The fine-tuned demo model produced no classifier logits: its config must name BertForSequenceClassification.", "bert-finetuned/config.json");
            classifierCorrect += ArgMax(logits) == set.Labels.ToList().IndexOf(sentence.Number) ? 1 : 0;

            var verbSentence = set.Agreement[s];
            var prefix = verbSentence.PrefixBeforeVerb;
            var gEncoding = _gpt2Tokenizer.Encode(prefix);
            var gInput = new ForwardInput(gEncoding.Ids);
            var gTarget = gEncoding.Count - 1;
            var gWords = WordAlignment.WordTokens(gEncoding).Where(i => i != gTarget).ToArray();
            var gSubject = WordAlignment.TokenOfWord(gEncoding, prefix, verbSentence.Subject);
            Score(methods, Analyzer.Analyze(_gpt2, gInput, options with { Target = gTarget }, cancellationToken), gSubject, gWords, k, hits, unavailable, 2);
            chance[2] += Math.Min(k, gWords.Length) / (double)gWords.Length;
            agreeing += PrefersAgreeingVerb(gInput, verbSentence, cancellationToken) ? 1 : 0;
        }

        chance[1] = chance[0];
        return new PlausibilityTable(
            k,
            n,
            Columns,
            methods,
            hits.Select((row, m) => row.Select((h, c) => unavailable[m][c] ? double.NaN : h / (double)n).ToArray()).ToArray(),
            chance.Select(c => c / n).ToArray(),
            classifierCorrect / (double)n,
            agreeing / (double)n);
    }

    private static void Score(IReadOnlyList<AnalysisMethod> methods, AnalysisResult result, int subject, int[] words, int k, int[][] hits, bool[][] unavailable, int column)
    {
        for (var m = 0; m < methods.Count; m++)
        {
            if (result.Unavailable.ContainsKey(methods[m].Name))
            {
                unavailable[m][column] = true;
                continue;
            }
            var scores = result.ScoresFor(methods[m])
                ?? throw new AttentionLensException($"The analysis returned no scores for {methods[m]}.");
            if (TokenRanking.RankOf(scores, subject, words) < k)
            {
                hits[m][column]++;
            }
        }
    }

    private bool PrefersAgreeingVerb(ForwardInput input, HeldOutSentence sentence, CancellationToken cancellationToken)
    {
        var result = _gpt2.Forward(input, cancellationToken: cancellationToken);
        var logits = result.Logits ?? throw new AttentionLensException("The GPT-2 demo model produced no logits.", "gpt2/config.json");
        var good = _gpt2Tokenizer.TokenToId(sentence.AgreeingVerb);
        var bad = _gpt2Tokenizer.TokenToId(sentence.OtherVerb);
        if (good is null || bad is null)
        {
            throw new AttentionLensException($"The GPT-2 tokenizer lacks '{sentence.AgreeingVerb}' or '{sentence.OtherVerb}'.", "gpt2/tokenizer.json");
        }

        var row = (input.Length - 1) * (logits.Length / input.Length);
        return logits[row + good.Value] > logits[row + bad.Value];
    }

    internal static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}
