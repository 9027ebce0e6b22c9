using GroupBuy.Runtime.Testing;
using GroupBuy.TestSupport;

namespace GroupBuy.Api.Tests.IdempotencyWalk;

/// <summary>
/// The real API on one SQLite file and one manual clock that outlive any one server: a restart disposes the server
/// and starts another on the same file and clock. Rate limits are out of the way, so the walk meets only the key limit.
/// </summary>
internal sealed class WalkServer : IAsyncDisposable
{
    /// <summary>Low, so the walk reaches it; a day's keys are many more.</summary>
    public const int MaxKeysPerCaller = 12;

    private readonly TempDirectory _data = new();
    private readonly Dictionary<string, (string Role, HttpClient Client)> _callers = new(StringComparer.Ordinal);
    private ApiFactory _factory;

    public WalkServer()
    {
        _factory = Build();
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

    public async Task RestartAsync()
    {
        await _factory.DisposeAsync();
        _factory = Build();
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

    private ApiFactory Build()
    {
        var factory = new ApiFactory { Clock = Clock };
        factory.Settings["Storage:Sqlite:Path"] = _data.File("walk.db");
        factory.Settings["Idempotency:MaxKeysPerCaller"] = MaxKeysPerCaller.ToString(System.Globalization.CultureInfo.InvariantCulture);
        factory.Settings["RateLimits:PerShopperBurst"] = "100000";
        factory.Settings["RateLimits:PerShopperPerPeriod"] = "100000";
        factory.Settings["RateLimits:ChatBurst"] = "100000";
        factory.Settings["Logging:LogLevel:Default"] = "Warning";
        // A day's jump of the clock also passes the timeout of each reminder call it fires on the way; they are retried.
        factory.Settings["Logging:LogLevel:GroupBuy.Runtime.GrainRuntime"] = "Error";
        return factory;
    }
}
