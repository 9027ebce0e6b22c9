using GroupBuy.Runtime.Testing;
using GroupBuy.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBuy.Api.Tests.IdempotencyWalk;

/// <summary>
/// The real API on one SQLite file and one manual clock that outlive any one server: a restart disposes the server
/// and starts another on the same file and clock. Rate limits are out of the way, so the walk meets only the key limit.
/// </summary>
internal sealed class WalkServer : IAsyncDisposable
{
    /// <summary>Low, so the walk reaches it; a day's keys are many more.</summary>
    public const int MaxKeysPerCaller = 12;

    /// <summary>A server's stop takes no longer than this; past it the walk fails rather than hangs.</summary>
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _data = new();
    private readonly Dictionary<string, (string Role, HttpClient Client)> _callers = new(StringComparer.Ordinal);
    private ApiFactory _factory;
    private ContainerDisposal _disposal;

    private readonly string? _postgres;

    /// <param name="postgres">A PostgreSQL database to keep the server's grains in; without one, a SQLite file of its own.</param>
    public WalkServer(string? postgres = null)
    {
        _postgres = postgres;
        (_factory, _disposal) = Build();
    }

    public ManualTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 1, 8, 0, 0, TimeSpan.Zero));

    public DateTimeOffset Now => Clock.GetUtcNow();

    public async Task SignInAsync(string userId, string role)
    {
        var client = await _factory.SignedInAsync(userId, role);
        if (_callers.TryGetValue(userId, out var earlier))
        {
            earlier.Client.Dispose();
        }
        _callers[userId] = (role, client);
    }

    public HttpClient Client(string userId) => _callers[userId].Client;

    /// <summary>Tokens last hours, so after a long step everyone signs in again.</summary>
    public async Task SignInAgainAsync()
    {
        foreach (var (userId, (role, _)) in _callers.ToArray())
        {
            await SignInAsync(userId, role);
        }
    }

    /// <summary>
    /// Disposing the factory of a minimal-hosting app lets its host finish disposing in the background, so the next
    /// server waits until the old container, and with it the store holding the file's lock, is disposed.
    /// </summary>
    public async Task RestartAsync()
    {
        await _factory.DisposeAsync();
        await _disposal.Disposed.Task.WaitAsync(StopTimeout, ApiClient.Token);
        (_factory, _disposal) = Build();
        await SignInAgainAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, client) in _callers.Values)
        {
            client.Dispose();
        }
        await _factory.DisposeAsync();
        _data.Dispose();
    }

    private (ApiFactory, ContainerDisposal) Build()
    {
        var disposal = new ContainerDisposal();
        var factory = new ApiFactory
        {
            Clock = Clock,
            // The store takes the clock when it is made, so the marker, made with the clock, is made before the store
            // and disposed after it: the container disposes in the reverse order of making.
            TestServices = services => services
                .AddSingleton(_ => disposal)
                .AddSingleton<TimeProvider>(provider =>
                {
                    provider.GetRequiredService<ContainerDisposal>();
                    return Clock;
                }),
        };
        if (_postgres is null)
        {
            factory.Settings["Storage:Sqlite:Path"] = _data.File("walk.db");
        }
        else
        {
            factory.Settings["Storage:Provider"] = "postgres";
            factory.Settings["ConnectionStrings:Postgres"] = _postgres;
        }
        factory.Settings["Idempotency:MaxKeysPerCaller"] = MaxKeysPerCaller.ToString(System.Globalization.CultureInfo.InvariantCulture);
        factory.Settings["RateLimits:PerShopperBurst"] = "100000";
        factory.Settings["RateLimits:PerShopperPerPeriod"] = "100000";
        factory.Settings["RateLimits:ChatBurst"] = "100000";
        factory.Settings["Logging:LogLevel:Default"] = "Warning";
        // A day's jump of the clock also passes the timeout of each reminder call it fires on the way; they are retried.
        factory.Settings["Logging:LogLevel:GroupBuy.Runtime.GrainRuntime"] = "Error";
        return (factory, disposal);
    }

    /// <summary>Made before the server's store and so disposed after it.</summary>
    private sealed class ContainerDisposal : IDisposable
    {
        public TaskCompletionSource Disposed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Dispose() => Disposed.TrySetResult();
    }
}
