using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GroupBuy.Api.Errors;
using GroupBuy.Api.Identity;
using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.Requests;
using GroupBuy.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace GroupBuy.Api.Common;

/// <summary>
/// <c>Idempotency-Key</c> on writes: the same key from the same caller on the same route answers the first
/// result again, kept durably by the caller's <see cref="IIdempotencyGrain"/>. A key reused for a different
/// request, or while its first request still runs, is a <c>409 conflict</c>. Answers of 5xx are not kept, so a
/// retry after an outage runs again.
/// </summary>
public static class Idempotency
{
    public const string Header = "Idempotency-Key";

    public static TBuilder WithIdempotency<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(InvokeAsync).WithMetadata(IdempotentWrites.Marker);

    private static async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (HttpMethods.IsGet(http.Request.Method) || !http.Request.Headers.TryGetValue(Header, out var values) || http.User.Identity?.IsAuthenticated != true)
        {
            return await next(context);
        }
        var key = values.ToString();
        if (key.Length is 0 or > 128 || key.Any(c => c is < '!' or > '~'))
        {
            return Problems.Of(ErrorCodes.Validation, $"'{Header}' must be 1–128 visible ASCII characters.");
        }
        var json = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var scope = $"{http.Request.Method} {http.Request.Path}:{key}";
        var fingerprint = Fingerprint(context, json);
        var keys = http.RequestServices.GetRequiredService<IGrainFactory>().GetGrain<IIdempotencyGrain>(http.User.UserId());
        var claim = await keys.Begin(scope, fingerprint);
        if (claim.Replay is { } first)
        {
            if (first.Location is not null)
            {
                http.Response.Headers.Location = first.Location;
            }
            return Results.Text(first.Body, first.ContentType, Encoding.UTF8, first.Status);
        }
        if (!claim.Started)
        {
            return Problems.Of(ErrorCodes.Conflict, claim.Refusal!);
        }
        object? result;
        try
        {
            result = await next(context);
        }
        catch
        {
            await keys.Abandon(scope, fingerprint);
            throw;
        }
        if (Capture(result, json) is { } response)
        {
            await keys.Complete(scope, fingerprint, response);
        }
        else
        {
            await keys.Abandon(scope, fingerprint);
        }
        return result;
    }

    /// <summary>The request as the handler sees it: its bound arguments other than services and the caller.</summary>
    private static string Fingerprint(EndpointFilterInvocationContext context, JsonSerializerOptions json)
    {
        var arguments = context.Arguments.Where(a => a is string || a?.GetType().Namespace?.StartsWith("GroupBuy.Api", StringComparison.Ordinal) == true);
        var text = JsonSerializer.Serialize(arguments.ToArray(), json);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static StoredResponse? Capture(object? result, JsonSerializerOptions json) => result switch
    {
        ProblemHttpResult problem when problem.StatusCode < 500 =>
            new StoredResponse(problem.StatusCode, null, "application/problem+json", JsonSerializer.Serialize(problem.ProblemDetails, json)),
        IStatusCodeHttpResult { StatusCode: { } status } and IValueHttpResult { Value: { } value } when status < 500 =>
            new StoredResponse(status, LocationOf(result), "application/json", JsonSerializer.Serialize(value, value.GetType(), json)),
        INestedHttpResult nested => Capture(nested.Result, json),
        _ => null,
    };

    /// <summary>The <c>Location</c> of a <c>Created&lt;T&gt;</c> result, whatever its T.</summary>
    private static string? LocationOf(object result) =>
        result.GetType().GetProperty(nameof(Created.Location))?.GetValue(result) as string;
}

/// <summary>Marks a route whose writes take an <c>Idempotency-Key</c>: a key reused for another request is a <c>conflict</c>.</summary>
public sealed record IdempotentWrites
{
    public static readonly IdempotentWrites Marker = new();
}
