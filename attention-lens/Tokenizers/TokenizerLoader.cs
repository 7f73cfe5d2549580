namespace AttentionLens.Tokenizers;

/// <summary>
/// Finds and loads the tokenizer in a checkpoint folder: tokenizer.json first, then the older
/// formats (vocab.txt; vocab.json + merges.txt; SentencePiece tokenizer.model).
/// </summary>
public static class TokenizerLoader
{
    public static ITokenizer Load(string directory) =>
        throw new NotImplementedException("TokenizerLoader is built by the tokenizer work (issue 3).");
}
