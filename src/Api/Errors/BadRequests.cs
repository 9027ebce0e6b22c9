using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;

namespace GroupBuy.Api.Errors;

/// <summary>
/// Words a body the framework could not bind for the client who sent it: where the JSON broke or which field had the
/// wrong kind of value, never the framework's own message, which names C# parameters and types.
/// </summary>
internal static class BadRequests
{
    private const string JsonContentOnly = "This route takes a JSON body: send it with Content-Type: application/json.";
    private const string ObjectExpected = "The body must be a JSON object with this route's fields.";

    /// <summary>The detail of a bodiless refusal the framework answered by its status alone (routing's 415 among them).</summary>
    public static string DetailOfStatus(int status) =>
        status == StatusCodes.Status415UnsupportedMediaType ? JsonContentOnly : ReasonPhrases.GetReasonPhrase(status);

    /// <summary>The refusal of a body that did not bind; one whose field had the wrong value names it in <c>errors</c> too.</summary>
    public static ProblemHttpResult ProblemOf(BadHttpRequestException bad, HttpRequest request)
    {
        var detail = DetailOf(bad, request);
        return FieldOf(bad) is { } field
            ? Problems.InvalidField(field, detail)
            : Problems.Of(Problems.CodeForStatus(bad.StatusCode), detail, bad.StatusCode);
    }

    /// <summary>The field a value of the wrong kind was sent for, named as the checks name it: <c>$.pickup.at</c> is <c>pickup.at</c>.</summary>
    private static string? FieldOf(BadHttpRequestException bad) =>
        bad.InnerException is JsonException { InnerException: not JsonException, Path: { Length: > 2 } path } && path.StartsWith("$.", StringComparison.Ordinal)
            ? path[2..]
            : null;

    private static string DetailOf(BadHttpRequestException bad, HttpRequest request) => bad switch
    {
        { StatusCode: StatusCodes.Status415UnsupportedMediaType } => JsonContentOnly,
        { InnerException: JsonException json } => DetailOf(json),
        { StatusCode: StatusCodes.Status400BadRequest } when request.ContentLength is null or 0 =>
            "This route takes a JSON body, and the request had none.",
        // A body of JSON null; the framework's own words for it name the C# parameter.
        { StatusCode: StatusCodes.Status400BadRequest } => ObjectExpected,
        _ => bad.Message,
    };

    /// <summary>
    /// A reader error (the text is not JSON) arrives wrapped around the reader's own <see cref="JsonException"/>; a
    /// value that does not fit its field arrives alone, with the field's path.
    /// </summary>
    private static string DetailOf(JsonException json)
    {
        var at = json.LineNumber is { } line && json.BytePositionInLine is { } position
            ? $" (line {line + 1}, byte {position + 1})"
            : "";
        if (json.InnerException is JsonException)
        {
            return $"The body is not valid JSON{at}.";
        }
        return json.Path is null or "$"
            ? ObjectExpected
            : $"The value at {json.Path} is of the wrong kind for its field, or out of its range (the request schemas are in /openapi/v1.json).";
    }
}
