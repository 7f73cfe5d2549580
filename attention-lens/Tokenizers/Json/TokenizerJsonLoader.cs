using AttentionLens.Tokenizers.Pipeline;

namespace AttentionLens.Tokenizers.Json;

/// <summary>Loads a Hugging Face <c>tokenizer.json</c>: each section goes to its stage builder.</summary>
public static class TokenizerJsonLoader
{
    public static PipelineTokenizer Load(string file)
    {
        using var doc = JsonSection.Parse(file);
        var root = new JsonSection(doc.RootElement, file, "");
        if (doc.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object)
            throw new TokenizerException(file, "", "must be a JSON object with a 'model' section.");
        var normalizer = NormalizerBuilder.Build(root.GetOptional("normalizer"));
        var preTokenizer = PreTokenizerBuilder.Build(root.GetOptional("pre_tokenizer"));
        var model = ModelBuilder.Build(root.Get("model"));
        var postProcessor = PostProcessorBuilder.Build(root.GetOptional("post_processor"));
        var decoder = DecoderBuilder.Build(root.GetOptional("decoder"));
        var added = new List<AddedToken>();
        if (root.GetOptional("added_tokens") is { } list)
        {
            foreach (var t in list.Items())
            {
                var special = t.GetBool("special", false);
                added.Add(new AddedToken(t.Get("id").AsInt(), t.GetString("content"), special,
                    t.GetBool("single_word", false), t.GetBool("lstrip", false), t.GetBool("rstrip", false),
                    t.GetBool("normalized", !special)));
            }
        }
        return new PipelineTokenizer(model, normalizer, preTokenizer, postProcessor, decoder, added);
    }
}
