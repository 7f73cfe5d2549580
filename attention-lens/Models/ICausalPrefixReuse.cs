namespace AttentionLens.Models;

/// <summary>
/// A causal LM that can re-run a changed input from the first changed position, reusing the keys
/// and values of the positions before it (<see cref="KeyValueCache"/>). Occlusion uses it: masking
/// token j out leaves positions before j unchanged, so its forward costs T − j rows instead of T
/// (on average half), and nothing at all when the target precedes j. Generation uses it to append
/// one token at a time (<see cref="AppendTokens"/>).
/// </summary>
public interface ICausalPrefixReuse
{
    /// <summary>A forward pass of <paramref name="input"/> (as <see cref="ITransformerModel.Forward"/>)
    /// that also fills a cache of its keys and values.</summary>
    (ForwardResult Result, KeyValueCache Cache) ForwardWithCache(ForwardInput input, ForwardOptions options, CancellationToken cancellationToken = default);

    /// <summary>
    /// The LM logits of <paramref name="logitRows"/> (all ≥ <paramref name="start"/>) for
    /// <paramref name="input"/>, which must equal the cache's input before <paramref name="start"/>
    /// (ids, and attention mask entries); rows before <paramref name="start"/> are not recomputed.
    /// Returns (rows, V) logits.
    /// </summary>
    float[] LogitsFrom(KeyValueCache cache, int start, ForwardInput input, int[] logitRows, int threads = 0, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends <paramref name="ids"/> after the cache's input (text generation, one token at a time):
    /// runs only their rows, at positions Tokens…, over the cached keys and values, writes their keys
    /// and values into the cache (which grows) and returns the (V) LM logits of the last appended
    /// token. Equal to a full forward of the longer input, within float rounding. A cancelled call
    /// leaves the cache as it was.
    /// </summary>
    float[] AppendTokens(KeyValueCache cache, ReadOnlySpan<int> ids, int threads = 0, CancellationToken cancellationToken = default);
}
