using System.Globalization;
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
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.Options;

namespace GroupBuy.Api.Common;

/// <summary>
/// <c>Idempotency-Key</c> on writes: the same key from the same caller on the same route answers the first
/// result again, kept durably by the caller's <see cref="IIdempotencyGrain"/>. A retry that arrives while its first
/// attempt still runs waits for it (<see cref="RunningWrites"/>). A key reused for a different request is a
/// <c>409 conflict</c>, as is a retry whose first attempt is still running once a grain call would have timed out.
/// Answers of 5xx are not kept, so a retry after an outage runs again; nor are <c>validation</c> refusals, which
/// change nothing, so the corrected request may reuse the key. A caller holding as many live keys as it may
/// (<c>Idempotency:MaxKeysPerCaller</c>) is refused a new one with <c>429 rate_limited</c> and <c>Retry-After</c>
/// (when its oldest key expires); requests without a key are not affected.
/// </summary>
public static class Idempotency
{
    public const string Header = "Idempotency-Key";

    public static IServiceCollection AddIdempotency(this IServiceCollection services) => services.AddSingleton<RunningWrites>();

    public static TBuilder WithIdempotency<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(InvokeAsync).WithMetadata(IdempotentWrites.Marker);

    /// <summary>A request without a key (or a read, or an anonymous caller) goes straight on, without a state machine of its own.</summary>
    private static ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        return HttpMethods.IsGet(http.Request.Method) || !http.Request.Headers.TryGetValue(Header, out var values) || http.User.Identity?.IsAuthenticated != true
            ? next(context)
            : KeyedAsync(context, next, values.ToString());
    }

    private static async ValueTask<object?> KeyedAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, string key)
    {
        var http = context.HttpContext;
        if (key.Length is 0 or > 128 || key.Any(c => c is < '!' or > '~'))
        {
            return Problems.Of(ErrorCodes.Validation, $"'{Header}' must be 1–128 visible ASCII characters.");
        }
        var json = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var scope = $"{http.Request.Method} {RouteOf(http)}:{key}";
        var fingerprint = Fingerprint(context, json);
        var running = http.RequestServices.GetRequiredService<RunningWrites>();
        // Only the same request waits for its twin; a different body under the key goes on to be refused by the store.
        var request = $"{http.User.UserId()}\n{scope}\n{fingerprint}";
        var arrived = running.Now();
        TaskCompletionSource<StoredResponse?> attempt;
        while (!running.TryStart(request, out attempt))
        {
            StoredResponse? first;
            try
            {
                first = await running.WaitAsync(attempt, arrived, http.Request.Path, http.RequestAborted);
            }
            catch (TimeoutException)
            {
                return Problems.Of(ErrorCodes.Conflict, IdempotencyClaim.StillRunning);
            }
            if (first is not null)
            {
                return Replay(http, first);
            }
            // The first attempt left nothing to replay (it failed, or its answer is not kept), so this retry runs
            // afresh, just as it would have had it arrived a moment later.
        }
        StoredResponse? answer = null;
        try
        {
            var keys = http.RequestServices.GetRequiredService<IGrainFactory>().GetGrain<IIdempotencyGrain>(http.User.UserId());
            (var result, answer) = await RunOnceAsync(context, next, keys, scope, fingerprint, json);
            return result;
        }
        finally
        {
            running.Finish(request, attempt, answer);
        }
    }

    /// <summary>Runs the request under its key unless the key already has an answer; returns the result and the answer kept, if any.</summary>
    private static async Task<(object? Result, StoredResponse? Kept)> RunOnceAsync(
        EndpointFilterInvocationContext context, EndpointFilterDelegate next, IIdempotencyGrain keys, string scope, string fingerprint, JsonSerializerOptions json)
    {
        if (RateLimiting.IsLimited(context.HttpContext))
        {
            // A rate-limited route: a retry whose first attempt was answered gets that answer without taking a token,
            // and a request refused by its limit writes nothing, not even a claim on its key.
            if (await keys.Answered(scope, fingerprint) is { } answered)
            {
                return (Replay(context.HttpContext, answered), answered);
            }
            if (RateLimiting.Take(context.HttpContext) is { } refused)
            {
                return (refused, null);
            }
        }
        var claim = await keys.Begin(scope, fingerprint);
        if (claim.Replay is { } first)
        {
            return (Replay(context.HttpContext, first), first);
        }
        if (claim.RetryAfter is { } wait)
        {
            // The caller holds as many live keys as it may: refused, never by dropping a key a retry still needs.
            var seconds = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds));
            context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return (Problems.Of(ErrorCodes.RateLimited, claim.Refusal!), null);
        }
        if (!claim.Started)
        {
            return (Problems.Of(ErrorCodes.Conflict, claim.Refusal!), null);
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
            return (result, response);
        }
        await keys.Abandon(scope, fingerprint);
        return (result, null);
    }

    private static IResult Replay(HttpContext http, StoredResponse first)
    {
        if (first.Location is not null)
        {
            http.Response.Headers.Location = first.Location;
        }
        return first.Body is null
            ? Results.StatusCode(first.Status)
            : Results.Text(first.Body, first.ContentType, Encoding.UTF8, first.Status);
    }

    /// <summary>
    /// The path as the endpoint's route names it: its pattern with this request's route values. A retry that spells the
    /// path differently (the case of a literal segment, a trailing slash) reaches the same handler, so it must meet the
    /// same key rather than run the write again; a path spelled as the route is reads exactly as the raw path did.
    /// </summary>
    private static string RouteOf(HttpContext http)
    {
        if (http.GetEndpoint() is not RouteEndpoint { RoutePattern: var pattern })
        {
            return http.Request.Path.ToString();
        }
        var path = new StringBuilder();
        foreach (var segment in pattern.PathSegments)
        {
            var text = string.Concat(segment.Parts.Select(part => part switch
            {
                RoutePatternLiteralPart literal => literal.Content,
                RoutePatternSeparatorPart separator => separator.Content,
                RoutePatternParameterPart parameter => Convert.ToString(http.Request.RouteValues[parameter.Name], CultureInfo.InvariantCulture),
                _ => null,
            }));
            if (text.Length > 0)
            {
                path.Append('/').Append(text);
            }
        }
        return path.Length == 0 ? "/" : path.ToString();
    }

    /// <summary>The request as the handler sees it: its bound arguments other than services and the caller.</summary>
    private static string Fingerprint(EndpointFilterInvocationContext context, JsonSerializerOptions json)
    {
        var arguments = context.Arguments.Where(a => a is string || a?.GetType().Namespace?.StartsWith("GroupBuy.Api", StringComparison.Ordinal) == true);
        var text = JsonSerializer.Serialize(arguments.ToArray(), json);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>The answer to keep for replays: results and refusals, but not 5xx nor a <c>validation</c> or <c>rate_limited</c> refusal (a write that did nothing, to be retried).</summary>
    private static StoredResponse? Capture(object? result, JsonSerializerOptions json) => result switch
    {
        ProblemHttpResult problem when problem.StatusCode >= 500 || CodeOf(problem) is ErrorCodes.Validation or ErrorCodes.RateLimited => null,
        ProblemHttpResult problem =>
            new StoredResponse(problem.StatusCode, null, "application/problem+json", JsonSerializer.Serialize(problem.ProblemDetails, json)),
        IStatusCodeHttpResult { StatusCode: { } status } and IValueHttpResult { Value: { } value } when status < 500 =>
            new StoredResponse(status, LocationOf(result), "application/json", JsonSerializer.Serialize(value, value.GetType(), json)),
        INestedHttpResult nested => Capture(nested.Result, json),
        IStatusCodeHttpResult { StatusCode: >= 200 and < 300 and var status } and not IValueHttpResult =>
            new StoredResponse(status, LocationOf(result), null, null),
        _ => null,
    };

    private static string? CodeOf(ProblemHttpResult problem) =>
        problem.ProblemDetails.Extensions.TryGetValue("code", out var code) ? code as string : null;

    /// <summary>The <c>Location</c> of a <c>Created&lt;T&gt;</c> result, whatever its T.</summary>
    private static string? LocationOf(object result) =>
        result.GetType().GetProperty(nameof(Created.Location))?.GetValue(result) as string;
}

/// <summary>Marks a route whose writes take an <c>Idempotency-Key</c>: a key reused for another request is a <c>conflict</c>.</summary>
public sealed record IdempotentWrites
{
    public static readonly IdempotentWrites Marker = new();
}
