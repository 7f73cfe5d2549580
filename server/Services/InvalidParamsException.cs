namespace AttentionLens.Server.Services;

/// <summary>A request parameter with a valid shape but a value the server cannot use; maps to -32602.</summary>
public sealed class InvalidParamsException(string message) : AttentionLensException(message);
