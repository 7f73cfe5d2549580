using System.Text.Json;

namespace AttentionLens.Server.Protocol;

/// <summary><c>window/workDoneProgress/create</c> params; the token is a string or number.</summary>
public sealed record WorkDoneProgressCreateParams(JsonElement Token);

/// <summary><c>$/progress</c> params carrying a work-done value.</summary>
public sealed record ProgressParams(JsonElement Token, WorkDoneProgressValue Value);

/// <summary>One of LSP's WorkDoneProgressBegin/Report/End, told apart by <paramref name="Kind"/>.</summary>
public sealed record WorkDoneProgressValue(string Kind, string? Title = null, string? Message = null, int? Percentage = null, bool? Cancellable = null);

/// <summary><c>window/logMessage</c>: type 1 error, 2 warning, 3 info, 4 log.</summary>
public sealed record LogMessageParams(int Type, string Message);
