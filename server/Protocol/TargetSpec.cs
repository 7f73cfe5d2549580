using System.Text.Json;
using System.Text.Json.Serialization;

namespace AttentionLens.Server.Protocol;

/// <summary>
/// <c>target</c> of analyze and compare: a token index (number) or <c>"first"</c> / <c>"last"</c>, resolved
/// by the server after tokenizing (the client cannot know the token count before). An editor position
/// travels separately as <c>targetPosition</c>.
/// </summary>
[JsonConverter(typeof(TargetSpecConverter))]
public sealed record TargetSpec(int? Index, TargetEnd? End)
{
    public static TargetSpec At(int index) => new(index, null);
    public static readonly TargetSpec First = new(null, TargetEnd.First);
    public static readonly TargetSpec Last = new(null, TargetEnd.Last);

    /// <summary>The token index for a sequence of <paramref name="tokens"/> tokens (an index is checked by the caller).</summary>
    public int Resolve(int tokens) => Index ?? (End == TargetEnd.First ? 0 : tokens - 1);
}

public enum TargetEnd { First, Last }

/// <summary>Reads a number or "first"/"last"; anything else is a clear error naming the field.</summary>
public sealed class TargetSpecConverter : JsonConverter<TargetSpec>
{
    public override TargetSpec Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var index)) return TargetSpec.At(index);
        if (reader.TokenType == JsonTokenType.String)
        {
            var s = reader.GetString();
            if (s == "first") return TargetSpec.First;
            if (s == "last") return TargetSpec.Last;
        }
        throw new JsonException("target must be a token index (integer), \"first\" or \"last\".");
    }

    public override void Write(Utf8JsonWriter writer, TargetSpec value, JsonSerializerOptions options)
    {
        if (value.Index is { } i) writer.WriteNumberValue(i);
        else writer.WriteStringValue(value.End == TargetEnd.First ? "first" : "last");
    }
}
