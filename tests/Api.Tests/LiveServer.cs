using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GroupBuy.TestSupport;

namespace GroupBuy.Api.Tests;

/// <summary>The API on a real Kestrel socket, so the hub is reached over a real WebSocket.</summary>
public class LiveServer : IAsyncLifetime
{
    public ApiFactory Factory { get; } = new();

    public Uri Address => Factory.ClientOptions.BaseAddress;

    public virtual ValueTask InitializeAsync()
    {
        Factory.UseKestrel(0);
        Factory.StartServer();
        return ValueTask.CompletedTask;
    }

    public async Task<SignalRClient> ConnectAsync(string? userId = null, string role = "shopper")
    {
        string? token = null;
        if (userId is not null)
        {
            var response = await Factory.CreateClient().PostAsJsonAsync("/api/dev/tokens", new { userId, role, name = userId }, ApiClient.Token);
            token = (await response.Content.ReadFromJsonAsync<JsonObject>(ApiClient.Token))!["token"]!.GetValue<string>();
        }
        return await SignalRClient.ConnectAsync(Address, token, ApiClient.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

/// <summary>The same server on a manual clock, for what depends on time (coalescing windows, countdowns).</summary>
public sealed class ManualClockLiveServer : LiveServer
{
    public Runtime.Testing.ManualTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public override ValueTask InitializeAsync()
    {
        Factory.Clock = Clock;
        return base.InitializeAsync();
    }
}
