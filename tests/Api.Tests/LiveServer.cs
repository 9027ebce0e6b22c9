using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GroupBuy.Api.Live;
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

    /// <summary>Completes once a coalesced feed holds back for a window: its delay is armed on this clock.</summary>
    public Task FeedHoldingBack() => Clock.WhenTimerSet(LiveFeeds.CoalescingInterval);

    /// <summary>The next progress push to <paramref name="watcher"/>, moving the clock a window on whenever a coalesced feed holds back.</summary>
    public async Task<JsonNode> NextCoalescedPushAsync(SignalRClient watcher, CancellationToken cancellationToken)
    {
        var push = watcher.NextAsync("progress", cancellationToken);
        while (!push.IsCompleted)
        {
            if (await Task.WhenAny(push, FeedHoldingBack().WaitAsync(cancellationToken)) != push)
            {
                Clock.Advance(LiveFeeds.CoalescingInterval);
            }
        }
        return await push;
    }
}
