namespace AttentionLens.Tokenizers.Decoders;

/// <summary>A decoding stage (Rust <c>Decoder::decode_chain</c>): token strings in, strings out;
/// the tokenizer concatenates the final list.</summary>
public interface IDecoder
{
    List<string> DecodeChain(List<string> tokens);
}
