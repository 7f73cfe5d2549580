using System.Text.Json;
using System.Text.Json.Serialization;

namespace AttentionLens.Server.Protocol;

/// <summary>
/// The source-generated serializer for every protocol record: camelCase names as LSP uses,
/// nulls omitted, enums as strings, and NaN/∞ written as strings instead of failing a response.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    UseStringEnumConverter = true,
    AllowTrailingCommas = false)]
[JsonSerializable(typeof(ResponseError))]
[JsonSerializable(typeof(CancelParams))]
[JsonSerializable(typeof(InitializeParams))]
[JsonSerializable(typeof(InitializeResult))]
[JsonSerializable(typeof(DidOpenTextDocumentParams))]
[JsonSerializable(typeof(DidChangeTextDocumentParams))]
[JsonSerializable(typeof(DidCloseTextDocumentParams))]
[JsonSerializable(typeof(DidChangeConfigurationParams))]
[JsonSerializable(typeof(HoverParams))]
[JsonSerializable(typeof(Hover))]
[JsonSerializable(typeof(WorkDoneProgressCreateParams))]
[JsonSerializable(typeof(ProgressParams))]
[JsonSerializable(typeof(LogMessageParams))]
[JsonSerializable(typeof(ListModelsParams))]
[JsonSerializable(typeof(ListModelsResult))]
[JsonSerializable(typeof(AnalyzeParams))]
[JsonSerializable(typeof(AnalyzeResult))]
[JsonSerializable(typeof(AttentionParams))]
[JsonSerializable(typeof(AttentionResult))]
[JsonSerializable(typeof(CompareParams))]
[JsonSerializable(typeof(CompareResult))]
[JsonSerializable(typeof(ServerStatsParams))]
[JsonSerializable(typeof(ServerStatsResult))]
[JsonSerializable(typeof(GenerateParams))]
[JsonSerializable(typeof(GenerateResult))]
[JsonSerializable(typeof(NullResult))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(string))]
public sealed partial class ProtocolJsonContext : JsonSerializerContext;

/// <summary>A JSON <c>null</c> result (shutdown, hover outside an analysis).</summary>
public sealed record NullResult;
