using Xunit;

namespace GroupBuy.TestSupport;

/// <summary>One PostgreSQL server per test assembly; each test class takes a database of its own.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? _server;

    public PostgresServer Server => _server ?? throw new InvalidOperationException("PostgreSQL has not started.");

    public async ValueTask InitializeAsync() => _server = await PostgresServer.StartAsync(CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
