using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GroupBuy.Api.Tests;

/// <summary>
/// A server asked to stop drains: readiness fails, the watchers it has are closed, and a watcher that arrives now is
/// refused with a fast 503, so that none holds the stop open; plain requests are still served until the server is gone.
/// (Reliability.Tests' GracefulStopTests stops the real process with SIGTERM under traffic.)
/// </summary>
public sealed class DrainingTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Once_asked_to_stop_the_server_fails_readiness_closes_its_watchers_and_refuses_new_ones_but_still_serves_requests()
    {
        await using var server = new LiveServer();
        using var hold = new HeldStop();   // released before the server is disposed, which waits for the stop
        server.Factory.TestServices = services => services.AddSingleton<IHostedService>(hold);
        await server.InitializeAsync();
        await using var watcher = await server.ConnectAsync("drain-watcher");
        using var client = server.Factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz", Token)).StatusCode);

        // What SIGTERM does first. The stop that follows is held before the server closes its socket, to look at the drain.
        server.Factory.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        await hold.Reached.WaitAsync(TimeSpan.FromSeconds(10), Token);

        await watcher.Closed.WaitAsync(TimeSpan.FromSeconds(10), Token);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/readyz", Token)).StatusCode);

        var negotiate = await client.PostAsync("/hubs/live/negotiate?negotiateVersion=1", null, Token);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, negotiate.StatusCode);
        Assert.Equal("1", negotiate.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("overloaded", (await negotiate.Content.ReadFromJsonAsync<JsonObject>(Token))!["code"]!.GetValue<string>());

        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        var address = new UriBuilder(server.Address) { Scheme = "ws", Path = "/hubs/live" }.Uri;
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(address, Token));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, socket.HttpStatusCode);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz", Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/flash-sales/none-such", Token)).StatusCode);
    }

    /// <summary>Holds the host's stop at its first step, after the stop was asked for, until disposed.</summary>
    private sealed class HeldStop : IHostedLifecycleService, IDisposable
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Reached => _reached.Task;

        public void Dispose() => _released.TrySetResult();

        public async Task StoppingAsync(CancellationToken cancellationToken)
        {
            _reached.TrySetResult();
            await _released.Task.WaitAsync(cancellationToken);
        }

        public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
