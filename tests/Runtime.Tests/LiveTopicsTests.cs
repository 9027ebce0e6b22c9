using GroupBuy.Runtime.Tests.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBuy.Runtime.Tests;

public sealed class LiveTopicsTests
{
    private readonly Probe _probe = new();

    [Fact]
    public async Task Subscribers_receive_a_grains_events_in_publish_order()
    {
        await using var silo = await TestSilo.StartAsync(_probe);
        var topics = silo.Services.GetRequiredService<ILiveTopics>();
        var received = new List<int>();
        using var subscription = topics.Subscribe("counter:a", (_, e) => received.Add(((Tally)e).Value));

        await Task.WhenAll(Enumerable.Range(0, 500).Select(_ => Task.Run(() => silo.GrainFactory.GetGrain<IPublishingGrain>("a").Increment(), TestSilo.Token)));

        Assert.Equal(Enumerable.Range(1, 500), received);
    }

    [Fact]
    public async Task A_subscriber_gets_only_its_topic_and_nothing_after_unsubscribing()
    {
        await using var silo = await TestSilo.StartAsync(_probe);
        var topics = silo.Services.GetRequiredService<ILiveTopics>();
        var received = new List<string>();
        var subscription = topics.Subscribe("counter:x", (topic, e) => received.Add($"{topic}={((Tally)e).Value}"));

        await silo.GrainFactory.GetGrain<IPublishingGrain>("x").Increment();
        await silo.GrainFactory.GetGrain<IPublishingGrain>("y").Increment();
        subscription.Dispose();
        await silo.GrainFactory.GetGrain<IPublishingGrain>("x").Increment();

        Assert.Equal(["counter:x=1"], received);
        Assert.False(topics.HasSubscribers("counter:x"));
    }

    [Fact]
    public async Task A_failing_subscriber_does_not_stop_the_publisher_or_other_subscribers()
    {
        await using var silo = await TestSilo.StartAsync(_probe);
        var topics = silo.Services.GetRequiredService<ILiveTopics>();
        var received = 0;
        using var failing = topics.Subscribe("counter:f", (_, _) => throw new InvalidOperationException("broken subscriber"));
        using var working = topics.Subscribe("counter:f", (_, _) => received++);

        Assert.Equal(1, await silo.GrainFactory.GetGrain<IPublishingGrain>("f").Increment());
        Assert.Equal(1, received);
    }
}
