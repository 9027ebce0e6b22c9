using System.Diagnostics.Metrics;
using GroupBuy.Api.Live;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace GroupBuy.Api.Tests;

/// <summary>The live meter counts the topics watched now and the pushes sent to them.</summary>
public sealed class LiveMetricsTests(LiveServer server) : IClassFixture<LiveServer>
{
    [Fact]
    public async Task A_watched_topic_is_counted_while_watched_and_its_pushes_are_counted()
    {
        var meters = server.Factory.Services.GetRequiredService<IMeterFactory>();
        using var topics = new MetricCollector<long>(meters, LiveMetrics.MeterName, "groupbuy.live.topics");
        using var pushes = new MetricCollector<long>(meters, LiveMetrics.MeterName, "groupbuy.live.pushes");
        var id = await GroupBuysApiTests.CampaignAsync(server.Factory, teamSize: 3);
        var leader = await server.Factory.SignedInAsync("lm-leader", "shopper");
        var teamId = (await (await leader.PostAsync($"/api/group-buys/{id}/teams", null, ApiClient.Token)).JsonAsync())["team"]!["id"]!.GetValue<string>();
        await using var watcher = await server.ConnectAsync();
        await using var other = await server.ConnectAsync();

        await watcher.InvokeAsync("Watch", $"team:{teamId}");
        await other.InvokeAsync("Watch", $"team:{teamId}");
        var watched = Sum(topics);
        var friend = await server.Factory.SignedInAsync("lm-friend", "shopper");
        (await friend.PostAsync($"/api/teams/{teamId}/members", null, ApiClient.Token)).EnsureSuccessStatusCode();
        await watcher.NextAsync("progress", ApiClient.Token);
        await other.NextAsync("progress", ApiClient.Token);
        await watcher.InvokeAsync("Unwatch", $"team:{teamId}");
        await other.InvokeAsync("Unwatch", $"team:{teamId}");

        Assert.Equal(1, watched);   // two watchers, one topic
        Assert.Equal(0, Sum(topics));
        Assert.Equal(1, pushes.GetMeasurementSnapshot().Where(m => Equals(m.Tags["live.kind"], "progress")).Sum(m => m.Value));   // one push reached both
    }

    private static long Sum(MetricCollector<long> collector) => collector.GetMeasurementSnapshot().Sum(m => m.Value);
}
