namespace AttentionLens.Demo;

/// <summary>
/// One held-out sentence of the demo grammar (<c>training/grammar.py</c>) with its known answer.
/// Indices count the whitespace-separated <see cref="Words"/> from 0; in the demo models' token
/// sequences word i is token i + 1, after [CLS] (BERT) or &lt;|endoftext|&gt; (GPT-2).
/// </summary>
/// <param name="Text">The sentence, lower case, words separated by single spaces.</param>
/// <param name="Words">The words of <paramref name="Text"/>.</param>
/// <param name="Subject">Word index of the subject noun (head of the subject noun phrase).</param>
/// <param name="Verb">Word index of the main verb, which agrees with the subject in present tense.</param>
/// <param name="Number">"singular" or "plural": the subject's number, the classifier's label.</param>
/// <param name="Attractor">Word index of the intervening noun, or null for simple sentences.</param>
/// <param name="AttractorNumber">The attractor's number, or null.</param>
/// <param name="Structure">simple, pp (prepositional-phrase attractor) or rc (object relative clause).</param>
/// <param name="Tense">present (agreeing verb) or past (number-neutral verb).</param>
/// <param name="VerbSingular">Singular form of the main verb (its only form in past tense).</param>
/// <param name="VerbPlural">Plural form of the main verb.</param>
public sealed record HeldOutSentence(
    string Text,
    IReadOnlyList<string> Words,
    int Subject,
    int Verb,
    string Number,
    int? Attractor,
    string? AttractorNumber,
    string Structure,
    string Tense,
    string VerbSingular,
    string VerbPlural)
{
    /// <summary>The main verb's form that agrees with the subject.</summary>
    public string AgreeingVerb => Number == "plural" ? VerbPlural : VerbSingular;

    /// <summary>The main verb's form that does not agree (equal to <see cref="AgreeingVerb"/> in past tense).</summary>
    public string OtherVerb => Number == "plural" ? VerbSingular : VerbPlural;

    /// <summary>The words before the main verb: the prefix from which a language model predicts it.</summary>
    public string PrefixBeforeVerb => string.Join(' ', Words.Take(Verb));
}
