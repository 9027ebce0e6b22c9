using Microsoft.Extensions.Logging;

namespace GroupBuy.Api.Tests;

/// <summary>
/// Counts the server's log events of one name, so a test can wait until the server has logged reaching a point
/// <paramref name="times"/> times, with no sleeps. The event's level must be enabled for its category.
/// </summary>
public sealed class LoggedEvents(string eventName, int times) : ILoggerProvider
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _seen;

    public Task Reached => _reached.Task;

    public ILogger CreateLogger(string categoryName) => new Counter(this);

    public void Dispose()
    {
    }

    private void Saw(EventId eventId)
    {
        if (eventId.Name == eventName && Interlocked.Increment(ref _seen) >= times)
        {
            _reached.TrySetResult();
        }
    }

    private sealed class Counter(LoggedEvents events) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            events.Saw(eventId);
    }
}
