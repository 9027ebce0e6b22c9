using GroupBuy.Runtime.Tests.Grains;
using Microsoft.Extensions.Logging;

namespace GroupBuy.Runtime.Tests;

/// <summary>Signals "log:EventName" on the probe for every event the runtime logs, so a test can wait for one.</summary>
internal sealed class LogSignals(Probe probe) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Signaler(probe);

    public void Dispose()
    {
    }

    private sealed class Signaler(Probe probe) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Name is { } name)
            {
                probe.Signal($"log:{name}");
            }
        }
    }
}
