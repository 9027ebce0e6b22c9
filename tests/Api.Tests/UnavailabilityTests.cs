using GroupBuy.Api.Errors;
using GroupBuy.Runtime;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace GroupBuy.Api.Tests;

/// <summary>
/// A grain whose write failed refuses the calls that reach it before it is replaced with an error of its own that
/// carries the store's failure: that is a "retry shortly" (503), never a 500.
/// </summary>
public sealed class UnavailabilityTests
{
    private static readonly StorageUnavailableException StoreDown = new("PostgreSQL could not be reached", new IOException("connection refused"));

    [Fact]
    public async Task A_failure_caused_by_an_unreachable_store_is_a_503_overloaded_with_retry_after()
    {
        var faulted = new InvalidOperationException("The ledger could not be written; the activation is being replaced.", StoreDown);

        var context = await HandleAsync(faulted);

        Assert.Equal(503, context.Response.StatusCode);
        Assert.Equal("1", context.Response.Headers.RetryAfter.ToString());
        Assert.Contains("\"code\":\"overloaded\"", await BodyOf(context), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failure_with_no_such_cause_is_left_to_be_a_500()
    {
        var handled = await new ExceptionProblems(NullLogger<ExceptionProblems>.Instance)
            .TryHandleAsync(NewContext(), new InvalidOperationException("a bug", new ArgumentException("inner")), ApiClient.Token);

        Assert.False(handled);
    }

    [Fact]
    public void The_cause_is_found_however_deep()
    {
        var deep = new InvalidOperationException("outer", new InconsistentStateException("journal failed", StoreDown));

        Assert.Same(StoreDown, Unavailability.CauseOf(deep));
        Assert.Null(Unavailability.CauseOf(new InvalidOperationException("outer", new ArgumentException("inner"))));
    }

    private static async Task<HttpContext> HandleAsync(Exception exception)
    {
        var context = NewContext();
        Assert.True(await new ExceptionProblems(NullLogger<ExceptionProblems>.Instance).TryHandleAsync(context, exception, ApiClient.Token));
        return context;
    }

    private static DefaultHttpContext NewContext() => new()
    {
        RequestServices = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider(),
        Response = { Body = new MemoryStream() },
    };

    private static async Task<string> BodyOf(HttpContext context)
    {
        context.Response.Body.Position = 0;
        return await new StreamReader(context.Response.Body).ReadToEndAsync(ApiClient.Token);
    }
}
