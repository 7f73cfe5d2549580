using AttentionLens.Tokenizers.Pipeline;

namespace AttentionLens.Tokenizers.Json;

/// <summary>Loads a Hugging Face <c>tokenizer.json</c>: each section goes to its stage builder.</summary>
public static class TokenizerJsonLoader
{
    public static PipelineTokenizer Load(string file)
    {
        try
        {
            return Build(file);
        }
        catch (InvalidOperationException e) when (e.TargetSite?.DeclaringType?.Namespace?.StartsWith("System.Text.Json", StringComparison.Ordinal) == true)
        {
            // System.Text.Json decodes strings lazily and throws this for an escape that is not
            // Unicode (a lone "\ud800"); the file is at fault, not the loader.
            throw new TokenizerException(file, "", $"holds a string that is not valid Unicode ({e.Message}).", e);
        }
    }

    private static PipelineTokenizer Build(string file)
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
                added.Add(new AddedToken(ModelBuilder.CheckedId(t.Get("id")), t.GetString("content"), special,
                    t.GetBool("single_word", false), t.GetBool("lstrip", false), t.GetBool("rstrip", false),
                    t.GetBool("normalized", !special)));
            }
        }
        return new PipelineTokenizer(model, normalizer, preTokenizer, postProcessor, decoder, added);
    }
}
