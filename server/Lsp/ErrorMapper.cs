using System.Text.Json;
using AttentionLens.Server.Protocol;
using AttentionLens.Server.Services;

namespace AttentionLens.Server.Lsp;

/// <summary>
/// The one place that turns exceptions into JSON-RPC errors. Domain errors keep their message
/// (it names the file or field and says what to do) and get our codes; anything unexpected is an
/// internal error whose message still says what happened.
/// </summary>
internal static class ErrorMapper
{
    public static ResponseError ToResponseError(Exception exception, bool cancelled) => exception switch
    {
        OperationCanceledException when cancelled => new(ErrorCodes.RequestCancelled, "Request cancelled."),
        RpcException rpc => new(rpc.Code, rpc.Message, rpc.ErrorData),
        JsonException json => new(ErrorCodes.InvalidParams, "Invalid params: " + json.Message),
        ModelNotFoundException e => new(ErrorCodes.ModelNotFound, e.Message, new ErrorData(e.Path, e.Expected)),
        NotAModelException e => new(ErrorCodes.NotAModel, e.Message, new ErrorData(e.Path, e.Expected)),
        TooManyTokensException e => new(ErrorCodes.TooManyTokens, e.Message, new ErrorData(e.Path, Tokens: e.Tokens, Limit: e.Limit)),
        InvalidParamsException e => new(ErrorCodes.InvalidParams, "Invalid params: " + e.Message),
        AnalysisNotFoundException e => new(ErrorCodes.AnalysisNotFound, e.Message),
        DocumentNotOpenException e => new(ErrorCodes.DocumentNotOpen, e.Message, new ErrorData(e.Path)),
        MemoryBudgetExceededException e => new(ErrorCodes.MemoryBudgetExceeded, e.Message, new ErrorData(e.Path)),
        AttentionLensException e => new(ErrorCodes.InvalidInput, e.Message, e.Path is null ? null : new ErrorData(e.Path)),
        NotImplementedException e => new(ErrorCodes.NotAvailable, "Not available in this build: " + e.Message),
        _ => new(ErrorCodes.InternalError, $"Internal error: {exception.GetType().Name}: {exception.Message}"),
    };
}
