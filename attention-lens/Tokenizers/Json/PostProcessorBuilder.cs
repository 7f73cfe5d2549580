using AttentionLens.Tokenizers.PostProcessors;

namespace AttentionLens.Tokenizers.Json;

/// <summary>Builds the runtime post-processor from the <c>post_processor</c> section.</summary>
public static class PostProcessorBuilder
{
    private static readonly string[] Known = ["BertProcessing", "RobertaProcessing", "TemplateProcessing", "ByteLevel", "Sequence"];

    public static IPostProcessor? Build(JsonSection? section)
    {
        if (section is not { } s || s.IsNull) return null;
        return s.Type switch
        {
            "BertProcessing" => new BertProcessing(ReadPair(s.Get("sep")), ReadPair(s.Get("cls"))),
            "RobertaProcessing" => new RobertaProcessing(ReadPair(s.Get("sep")), ReadPair(s.Get("cls")),
                s.GetBool("trim_offsets", true), s.GetBool("add_prefix_space", true)),
            "ByteLevel" => new ByteLevelProcessing(s.GetBool("trim_offsets", true), s.GetBool("add_prefix_space", true)),
            "TemplateProcessing" => BuildTemplate(s),
            "Sequence" => new SequenceProcessing(s.Get("processors").Items().Select(i => Build(i)!).ToList()),
            _ => throw s.UnknownType(Known),
        };
    }

    private static (string, int) ReadPair(JsonSection s)
    {
        var items = s.Items().ToArray();
        if (items.Length != 2) throw s.Error("", "expected [token, id].");
        return (items[0].AsString(), items[1].AsInt());
    }

    private static TemplateProcessing BuildTemplate(JsonSection s)
    {
        var specials = new Dictionary<string, (int[], string[])>(StringComparer.Ordinal);
        if (s.GetOptional("special_tokens") is { } st)
        {
            foreach (var (name, value) in st.Properties())
            {
                var ids = value.Get("ids").Items().Select(i => i.AsInt()).ToArray();
                var tokens = value.Get("tokens").Items().Select(i => i.AsString()).ToArray();
                if (ids.Length != tokens.Length) throw value.Error("ids", "must have as many entries as 'tokens'.");
                specials[name] = (ids, tokens);
            }
        }
        var single = ReadTemplate(s.Get("single"), specials);
        var pair = s.Has("pair") ? ReadTemplate(s.Get("pair"), specials) : single;
        return new TemplateProcessing(single, pair, specials);
    }

    private static List<TemplatePiece> ReadTemplate(JsonSection s, Dictionary<string, (int[], string[])> specials)
    {
        var result = new List<TemplatePiece>();
        foreach (var item in s.Items())
        {
            if (item.Has("SpecialToken"))
            {
                var t = item.Get("SpecialToken");
                var id = t.GetString("id");
                if (!specials.ContainsKey(id)) throw t.Error("id", $"special token \"{id}\" is not defined in 'special_tokens'.");
                result.Add(new TemplatePiece(true, id, t.GetInt("type_id", 0)));
            }
            else if (item.Has("Sequence"))
            {
                var q = item.Get("Sequence");
                var id = q.GetString("id");
                if (id is not ("A" or "B")) throw q.Error("id", $"sequence id \"{id}\" must be A or B.");
                result.Add(new TemplatePiece(false, id, q.GetInt("type_id", 0)));
            }
            else
            {
                throw item.Error("", "expected {\"SpecialToken\": ...} or {\"Sequence\": ...}.");
            }
        }
        return result;
    }
}
