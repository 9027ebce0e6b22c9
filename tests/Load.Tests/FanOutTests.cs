using System.Globalization;
using System.Net;
using GroupBuy.Load.Bench;
using GroupBuy.Load.Client;
using GroupBuy.Load.Metrics;
using GroupBuy.TestSupport;

namespace GroupBuy.Load.Tests;

/// <summary>
/// P5's fan-out measurement against its two reference servers, each started as the bench starts it (its own process
/// from this tool's program): every watcher must receive every change, and each receipt is timed once.
/// </summary>
public sealed class FanOutTests : IDisposable
{
    private const int Watchers = 20;
    private const int Changes = 3;
    private const int RecordBytes = 300;

    private readonly TempDirectory _work = new();
    private static readonly string Tool = typeof(SocketFloor).Assembly.Location;

    [Fact]
    public async Task Plain_socket_watchers_of_the_socket_floor_receive_every_change()
    {
        var ct = TestContext.Current.CancellationToken;
        var port = ServerProcess.FreePort();
        await using var server = await ServerProcess.StartAsync("floor", Tool, ["socket-floor", "--SocketFloor:Port", port.ToString(CultureInfo.InvariantCulture)], _work.Path);
        var floor = new IPEndPoint(IPAddress.Loopback, port);

        var result = await new FanOut(server, () => new SocketWatchers(floor, 8)).MeasureAsync("floor", "floor-warm", Watchers, Changes, Broadcast(server, topic: null), ct);

        AssertEveryChangeReachedEveryWatcher(result);
    }

    [Fact]
    public async Task Hub_watchers_of_the_bare_hub_receive_every_change()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await ServerProcess.StartAsync("bare-hub", Tool, ["bare-hub", "--BareHub:Send", "queued"], _work.Path);

        var result = await new FanOut(server, () => new HubWatchers(server.Address, 8)).MeasureAsync("team:bare", "team:bare-warm", Watchers, Changes, Broadcast(server, topic: "team:bare"), ct);

        AssertEveryChangeReachedEveryWatcher(result);
    }

    [Fact]
    public void A_floor_record_carries_its_length_and_version_and_is_padded_to_its_size()
    {
        var record = SocketFloor.Record(version: 7, size: 40);

        Assert.Equal(40, record.Length);
        Assert.Equal(40, BitConverter.ToInt32(record, 0));
        Assert.Equal(7, BitConverter.ToInt64(record, sizeof(int)));
        Assert.All(record[SocketFloor.HeaderBytes..], b => Assert.Equal((byte)'x', b));
        Assert.Equal(SocketFloor.HeaderBytes, SocketFloor.Record(version: 1, size: 3).Length);
    }

    public void Dispose() => _work.Dispose();

    /// <summary>The bare hub sends to the topic it is told; the floor sends to every socket.</summary>
    private static Func<string, int, CancellationToken, Task<Change>> Broadcast(ServerProcess server, string? topic) => async (watched, k, ct) =>
    {
        using var http = new LoadHttp(server.Address, new Recorder());
        var sent = TimeProvider.System.GetUtcNow();
        object body = topic is null ? new { version = k, size = RecordBytes } : new { topic = watched, version = k, size = RecordBytes };
        var answer = await http.PostAsync("broadcast", "/broadcast", null, body, ct);
        Assert.True(answer.Ok, $"broadcast answered {(int)answer.Status}");
        return new Change(sent, TimeProvider.System.GetUtcNow(), k);
    };

    private static void AssertEveryChangeReachedEveryWatcher(FanOutResult result)
    {
        Assert.Equal(Watchers, result.Connected);
        Assert.Equal(0, result.ConnectFailures);
        Assert.Equal(0, result.Lost);
        Assert.Equal(Watchers * Changes, result.FromResponse.Count);
        Assert.Equal(Watchers * Changes, result.FromRequest.Count);
        // A hub record is counted without its separator byte.
        Assert.InRange(result.RecordBytes, RecordBytes - 1, RecordBytes);
        // The first change is timed apart; each measured change on its own, in order, its percentiles within the whole run's.
        Assert.Equal(1, result.FirstPush?.Index);
        Assert.Equal(Enumerable.Range(2, Changes), result.PerChange.Select(change => change.Index));
        Assert.All(result.PerChange, change =>
        {
            Assert.True(change.P50 <= change.P99 && change.P99 <= change.Max, $"change {change.Index}: {change}");
            Assert.True(change.Max <= Math.Max(0, result.FromResponse.Max), $"change {change.Index}: {change}");
        });
        Assert.Equal(Math.Max(0, result.FromResponse.Max), result.PerChange.Max(change => change.Max));
    }
}
