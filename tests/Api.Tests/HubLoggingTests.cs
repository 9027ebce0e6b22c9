using System.Collections.Concurrent;
using GroupBuy.Api.Live;
using GroupBuy.TestSupport;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GroupBuy.Api.Tests;

/// <summary>
/// A hub call refused with the contract's code is the client's answer, not a server error: it logs nothing at error
/// level (a client could otherwise fill the log with stacks), while a hub method that fails unexpectedly is still an error.
/// </summary>
public sealed class HubLoggingTests
{
    [Fact]
    public async Task A_refused_hub_call_is_answered_with_its_code_and_logs_no_error()
    {
        var logs = new RecordedLogs();
        await using var server = new LiveServer();
        server.Factory.TestServices = services => services.AddSingleton<ILoggerProvider>(logs);
        await server.InitializeAsync();
        await using var watcher = await server.ConnectAsync("log-watcher");

        var unknown = await Assert.ThrowsAsync<HubErrorException>(() => watcher.InvokeAsync("Watch", "nonsense"));
        var missing = await Assert.ThrowsAsync<HubErrorException>(() => watcher.InvokeAsync("Watch", "team:0123456789abcdef0123456789abcdef"));

        Assert.Contains("validation:", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("not_found:", missing.Message, StringComparison.Ordinal);
        // SignalR logs a failed invocation before it sends the client the error: both are in the log by now, if at all.
        Assert.Empty(logs.AtLeast(LogLevel.Error));
    }

    [Fact]
    public async Task A_hub_method_that_fails_unexpectedly_is_logged_as_an_error_and_fails_the_call()
    {
        var logs = new RecordedLogs();
        using var factory = LoggerFactory.Create(logging => logging.AddProvider(logs));
        var filter = new HubProblems(factory.CreateLogger<HubProblems>());
        var invocation = new HubInvocationContext(null!, null!, null!, typeof(LiveHub).GetMethod(nameof(LiveHub.Watch))!, ["team:t1"]);
        var bug = new InvalidOperationException("a bug");

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(async () => await filter.InvokeMethodAsync(invocation, _ => ValueTask.FromException<object?>(bug)));

        Assert.Same(bug, thrown);
        var logged = Assert.Single(logs.AtLeast(LogLevel.Error));
        Assert.Same(bug, logged.Exception);
        Assert.Contains("Watch", logged.Message, StringComparison.Ordinal);
    }

    private sealed record Entry(string Category, LogLevel Level, string Message, Exception? Exception);

    /// <summary>Every log entry of the server, whatever its category.</summary>
    private sealed class RecordedLogs : ILoggerProvider
    {
        private readonly ConcurrentQueue<Entry> _entries = new();

        public IEnumerable<Entry> AtLeast(LogLevel level) => _entries.Where(entry => entry.Level >= level);

        public ILogger CreateLogger(string categoryName) => new Recorder(categoryName, _entries);

        public void Dispose()
        {
        }

        private sealed class Recorder(string category, ConcurrentQueue<Entry> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => NullLogger.Instance.BeginScope(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), exception));
        }
    }
}
