using System.Net.Http.Json;
using GroupBuy.TestSupport;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GroupBuy.Api.Tests;

/// <summary>
/// A watcher that stops reading (a phone on a poor link, or a client that never reads) over a real socket: the server
/// soon has nowhere to put its frames, and the topic's other watchers must not wait for it.
/// </summary>
public sealed class SlowWatcherTests
{
    /// <summary>Many frames a stalled reader's buffers cannot hold (each message's CJK text is escaped to about 12 KB of JSON).</summary>
    private const int Messages = 40;

    private static readonly string Text = new('拼', 2000);

    [Fact]
    public async Task A_watcher_that_stops_reading_holds_up_no_other_watcher_of_the_topic()
    {
        await using var server = await StartAsync(sendTimeout: "00:10:00");
        var (id, leader, members) = await ChatsApiTests.GroupAsync(server.Factory, "sw-leader", "sw-stalled", "sw-reader");
        await using var stalled = await ConnectStalledAsync(server, members[0]);
        await using var reader = await server.ConnectAsync("sw-reader");
        await stalled.InvokeAsync("Watch", $"group:{id}");
        await reader.InvokeAsync("Watch", $"group:{id}");
        stalled.StopReading();

        await PostAsync(leader, id);
        var seqs = new List<long>();
        for (var i = 0; i < Messages; i++)
        {
            // A bound only to fail rather than hang: with the send awaited to the end, the reader got nothing after the
            // stalled watcher's buffers filled (about the tenth message) until that watcher's send timed out, here in 10 minutes.
            var push = await reader.NextAsync("message", ApiClient.Token).WaitAsync(TimeSpan.FromSeconds(30), ApiClient.Token);
            seqs.Add(push["message"]!["seq"]!.GetValue<long>());
        }

        // Then two progress pushes of the same topic, one after the other: the second goes out only once the feed has
        // stopped waiting for the first, whose write to the stalled watcher cannot complete.
        var counts = new List<int>();
        foreach (var newcomer in new[] { "sw-newcomer-1", "sw-newcomer-2" })
        {
            var client = await server.Factory.SignedInAsync(newcomer, "shopper");
            Assert.Equal(201, (int)(await client.PostAsync($"/api/groups/{id}/members", null, ApiClient.Token)).StatusCode);
            var progress = await reader.NextAsync("progress", ApiClient.Token).WaitAsync(TimeSpan.FromSeconds(30), ApiClient.Token);
            counts.Add(progress["data"]!["memberCount"]!.GetValue<int>());
        }

        Assert.Equal(Enumerable.Range(1, Messages).Select(i => (long)i), seqs);
        Assert.Equal([4, 5], counts);
        Assert.True(stalled.IsOpen);
    }

    [Fact]
    public async Task A_watcher_whose_send_stays_blocked_past_the_send_timeout_is_disconnected_having_missed_nothing_before()
    {
        var disconnected = new LoggedEvents("Disconnected", times: 1);
        await using var server = await StartAsync(sendTimeout: "00:00:01", disconnected);
        var (id, leader, members) = await ChatsApiTests.GroupAsync(server.Factory, "st-leader", "st-stalled");
        await using var stalled = await ConnectStalledAsync(server, members[0]);
        await stalled.InvokeAsync("Watch", $"group:{id}");
        stalled.StopReading();

        await PostAsync(leader, id);
        await disconnected.Reached.WaitAsync(TimeSpan.FromSeconds(60), ApiClient.Token);   // the server cut it, a second after its send blocked
        stalled.ResumeReading();
        await stalled.Closed.WaitAsync(TimeSpan.FromSeconds(60), ApiClient.Token);
        var received = stalled.Drain("message").Select(p => p["message"]!["seq"]!.GetValue<long>()).ToList();

        Assert.InRange(received.Count, 1, Messages - 1);
        Assert.Equal(Enumerable.Range(1, received.Count).Select(i => (long)i), received);   // in order, and nothing skipped before the cut
    }

    [Fact]
    public async Task The_send_timeout_is_ten_seconds_by_default_as_the_readme_says()
    {
        await using var api = new ApiFactory();

        Assert.Equal(TimeSpan.FromSeconds(10), api.Services.GetRequiredService<IOptions<Live.LiveOptions>>().Value.SendTimeout);
    }

    [Theory]
    [InlineData("00:00:00.500")]
    [InlineData("01:00:00")]
    public async Task A_send_timeout_out_of_range_stops_the_server_at_start_up(string value)
    {
        await using var api = new ApiFactory();
        var configured = api.WithWebHostBuilder(b => b.UseSetting("Live:SendTimeout", value));

        var error = Assert.ThrowsAny<Exception>(() => configured.CreateClient());

        Assert.Contains("SendTimeout", error.Message, StringComparison.Ordinal);
    }

    private static async Task PostAsync(HttpClient leader, string groupId)
    {
        for (var i = 0; i < Messages; i++)
        {
            var posted = await leader.PostAsJsonAsync($"/api/groups/{groupId}/messages", new { text = Text }, ApiClient.Token);
            Assert.Equal(201, (int)posted.StatusCode);
        }
    }

    /// <summary>A watcher signed in as <paramref name="member"/> is, with a 4 KB receive window.</summary>
    private static Task<SignalRClient> ConnectStalledAsync(LiveServer server, HttpClient member) =>
        SignalRClient.ConnectAsync(server.Address, member.DefaultRequestHeaders.Authorization!.Parameter, ApiClient.Token, receiveBufferBytes: 4096);

    private static async Task<LiveServer> StartAsync(string sendTimeout, LoggedEvents? events = null)
    {
        var server = new LiveServer();
        server.Factory.Settings["Live:SendTimeout"] = sendTimeout;
        server.Factory.Settings["RateLimits:ChatBurst"] = "100000";
        server.Factory.Settings["RateLimits:ChatPerPeriod"] = "100000";
        // The server's send buffers fixed small too, so that a stalled reader is full after a few frames, not megabytes.
        server.Factory.Settings["Logging:LogLevel:GroupBuy.Api.Live.LiveHub"] = "Debug";
        server.Factory.TestServices = services =>
        {
            services.Configure<SocketTransportOptions>(options => options.CreateBoundListenSocket = endpoint =>
            {
                var socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
                socket.SendBufferSize = 16 * 1024;
                return socket;
            });
            if (events is not null)
            {
                services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(events);
            }
        };
        await server.InitializeAsync();
        return server;
    }
}
