namespace AttentionLens.Models;

/// <summary>
/// The scalar y a backward pass differentiates, read from one row z of a head's output
/// (<see cref="Output"/> at <see cref="Position"/>):
/// y = z[Index]; or, with <see cref="LogProbability"/>, y = log softmax(z)[Index]; or, with
/// <see cref="ContrastIndex"/> = b, the contrastive target y = z[Index] − z[b] ("why Index rather than b",
/// Yin &amp; Neubig 2022, §3). QA outputs are one logit per position: y = z[Position] and the index is ignored;
/// there z runs over the positions, so a QA contrast's b is another position and a QA log-probability is
/// log softmax over the positions (the span start or end distribution).
/// </summary>
/// <param name="Output">Which head output.</param>
/// <param name="Position">The token position of the row (ignored for <see cref="GradientOutput.ClassifierLogits"/>).</param>
/// <param name="Index">The vocabulary id or label index.</param>
/// <param name="ContrastIndex">The alternative b of a contrastive target, or null.</param>
/// <param name="LogProbability">Differentiate the log-probability instead of the logit (not with a contrast).</param>
public sealed record GradientTarget(GradientOutput Output, int Position, int Index, int? ContrastIndex = null, bool LogProbability = false);
