using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace GroupBuy.Pages.Tests;

/// <summary>
/// The server's log for one test class, written to a file beside the screenshots, so a page that fails in a browser
/// can be matched with the request that failed on the server. Logs go nowhere else in these tests.
/// </summary>
public sealed class ServerLog(string path) : ILoggerProvider
{
    private readonly ConcurrentDictionary<string, Logger> _loggers = new(StringComparer.Ordinal);
    private readonly StreamWriter _writer = CreateWriter(path);
    private readonly Lock _gate = new();

    private static int s_servers;

    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "server-logs");

    /// <summary>A file of its own for each server the tests start (test classes run in parallel).</summary>
    public static string NextPath(string name) => Path.Combine(Directory, $"{name}-{Interlocked.Increment(ref s_servers)}.log");

    public ILogger CreateLogger(string categoryName) => _loggers.GetOrAdd(categoryName, name => new Logger(this, name));

    public void Dispose()
    {
        lock (_gate)
        {
            _writer.Dispose();
        }
    }

    private static StreamWriter CreateWriter(string path)
    {
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return new StreamWriter(path, append: false) { AutoFlush = true };
    }

    private void Write(LogLevel level, string category, string message, Exception? exception)
    {
        var line = $"{DateTime.UtcNow:HH:mm:ss.fff} {level,-11} {category}: {message}";
        lock (_gate)
        {
            _writer.WriteLine(exception is null ? line : $"{line}{Environment.NewLine}{exception}");
        }
    }

    private sealed class Logger(ServerLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                log.Write(logLevel, category, formatter(state, exception), exception);
            }
        }
    }
}
