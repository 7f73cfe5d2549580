using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AttentionLens.Server.Protocol;

namespace AttentionLens.Server.Lsp;

/// <summary>
/// The context params are read with: <see cref="ProtocolJsonContext"/>'s source-generated metadata
/// and options, plus <c>RespectNullableAnnotations</c> and <c>RespectRequiredConstructorParameters</c>,
/// so a null where the record does not allow one, or a missing constructor parameter, is refused
/// instead of read as null. It is one context instance, and handlers name their params type through
/// a selector (<see cref="TypeOf{T}"/>) evaluated at the first message, so each params type's
/// metadata is built once, when first read — none at registration, none twice (startup cost: the
/// editor waits for <c>initialize</c> while it is built).
/// </summary>
internal static class StrictParamsJson
{
    /// <summary>Picks a params type's metadata from the strict context (e.g. <c>c => c.InitializeParams</c>).</summary>
    public delegate JsonTypeInfo<T> TypeOf<T>(ProtocolJsonContext context);

    public static ProtocolJsonContext Context { get; } = Create();

    private static ProtocolJsonContext Create()
    {
        var options = new JsonSerializerOptions(ProtocolJsonContext.Default.Options)
        {
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
        };
        // The context takes the options over as their resolver; they become read-only on first use.
        return new ProtocolJsonContext(options);
    }
}
