using GroupBuy.TestSupport;

namespace GroupBuy.Api.Tests.LiveWalk;

/// <summary>The walk's hub steps: watches, unwatches, their races on one connection, and connections cut and back.</summary>
internal sealed partial class LiveHubWalk
{
    private async Task WatchAsync()
    {
        var connection = Pick(_connections);
        var topic = Pick(Topics().ToList());
        var committed = _targets[topic];
        connection.Watch(topic).WatchSent(connection.Client.ReceivedSoFar);
        Answered(connection, topic, await OutcomeAsync(connection.Client.InvokeInOrderAsync("Watch", topic)), committed);
    }

    /// <summary>The same topic watched twice on one connection, the second sent before the first is answered.</summary>
    private async Task WatchTwiceAtOnceAsync()
    {
        var connection = Pick(_connections);
        var topic = Pick(Topics().ToList());
        var committed = _targets[topic];
        connection.Watch(topic).WatchSent(connection.Client.ReceivedSoFar);
        var first = OutcomeAsync(connection.Client.InvokeInOrderAsync("Watch", topic));
        var second = OutcomeAsync(connection.Client.InvokeInOrderAsync("Watch", topic));
        Note($"{connection.Name} watches {topic} twice at once");
        Answered(connection, topic, await first, committed);
        Answered(connection, topic, await second, committed);
    }

    /// <summary>Several topics watched at once on one connection.</summary>
    private async Task WatchManyAtOnceAsync()
    {
        var connection = Pick(_connections);
        var topics = Topics().OrderBy(_ => _random.Next()).Take(_random.Next(2, 5)).ToList();
        var committed = topics.Select(t => _targets[t]).ToList();
        var sentAt = connection.Client.ReceivedSoFar;
        var outcomes = topics.Select(t => OutcomeAsync(connection.Client.InvokeInOrderAsync("Watch", t))).ToList();
        Note($"{connection.Name} watches {string.Join(", ", topics)} at once");
        for (var i = 0; i < topics.Count; i++)
        {
            connection.Watch(topics[i]).WatchSent(sentAt);
            Answered(connection, topics[i], await outcomes[i], committed[i]);
        }
    }

    private async Task UnwatchAsync()
    {
        var connection = Pick(_connections);
        var open = connection.OpenTopics.ToList();
        var topic = open.Count > 0 && _random.Next(4) > 0 ? Pick(open) : Pick(Topics().ToList());
        var done = await connection.Client.InvokeInOrderAsync("Unwatch", topic);
        connection.Watch(topic).Closed(done.Order);
        Note($"{connection.Name} unwatched {topic} (answered at arrival {done.Order})");
    }

    /// <summary>A watch and an unwatch of one topic in flight together on one connection, in either order.</summary>
    private async Task WatchRacingUnwatchAsync()
    {
        var connection = Pick(_connections);
        var topic = Pick(Topics().Where(t => MayWatch(connection, t)).ToList());
        var committed = _targets[topic];
        var watch = connection.Watch(topic);
        var sentAt = connection.Client.ReceivedSoFar;
        if (_random.Next(2) == 0)
        {
            var watched = OutcomeAsync(connection.Client.InvokeInOrderAsync("Watch", topic));
            var unwatched = connection.Client.InvokeInOrderAsync("Unwatch", topic);
            Note($"{connection.Name} watches and at once unwatches {topic}");
            watch.WatchSent(sentAt);
            Answered(connection, topic, await watched, committed);
            watch.Closed((await unwatched).Order);
        }
        else
        {
            var unwatched = connection.Client.InvokeInOrderAsync("Unwatch", topic);
            var watched = OutcomeAsync(connection.Client.InvokeInOrderAsync("Watch", topic));
            Note($"{connection.Name} unwatches and at once watches {topic}");
            watch.Closed((await unwatched).Order);
            watch.WatchSent(sentAt);
            Answered(connection, topic, await watched, committed);
        }
    }

    /// <summary>A connection cut (or closed), then the same shopper connects again and watches some of its topics afresh.</summary>
    private async Task DropAndReconnectAsync()
    {
        var index = _random.Next(_connections.Count);
        var dropped = _connections[index];
        var abort = _random.Next(3) > 0;
        var reopen = dropped.OpenTopics.Where(t => _random.Next(4) > 0).ToList();
        if (abort)
        {
            dropped.Client.Abort();
        }
        await dropped.DisposeAsync();
        dropped.Absorb();
        _pushesOfClosedConnections += dropped.PushesChecked;
        var again = await ConnectAsync($"{dropped.Name.Split('.')[0]}.{_step}", dropped.UserId);
        _connections[index] = again;
        Note($"{dropped.Name} {(abort ? "cut" : "closed")}; {again.Name} connects as {again.UserId ?? "anonymous"} and watches {string.Join(", ", reopen)}");
        foreach (var topic in reopen)
        {
            var committed = _targets[topic];
            again.Watch(topic).WatchSent(again.Client.ReceivedSoFar);
            Answered(again, topic, await OutcomeAsync(again.Client.InvokeInOrderAsync("Watch", topic)), committed);
        }
    }

    /// <summary>
    /// Changes to one topic while one of its watchers unwatches and watches it again, all within a coalescing window:
    /// the feed may be torn down and made anew while pushes of the old one are still due.
    /// </summary>
    private async Task ChurnDuringChangesAsync()
    {
        var connection = Pick(_connections);
        var topic = Pick(Topics().Where(t => MayWatch(connection, t)).ToList());
        var committed = _targets[topic];
        var watch = connection.Watch(topic);
        if (_random.Next(2) == 0)
        {
            // Alone on the topic, its unwatch tears the feed down.
            foreach (var other in _connections.Where(c => c != connection && c.OpenTopics.Contains(topic)))
            {
                other.Watch(topic).Closed((await other.Client.InvokeInOrderAsync("Unwatch", topic)).Order);
                Note($"{other.Name} unwatched {topic}");
            }
        }
        Note($"{connection.Name} churns on {topic} while it changes");
        for (var round = _random.Next(2, 6); round > 0; round--)
        {
            await ChangeAsync(topic);
            if (_random.Next(2) == 0)
            {
                await ChangeAsync(topic);
            }
            if (_random.Next(2) == 0)
            {
                watch.Closed((await connection.Client.InvokeInOrderAsync("Unwatch", topic)).Order);
            }
            if (_random.Next(3) > 0)
            {
                watch.WatchSent(connection.Client.ReceivedSoFar);
                Answered(connection, topic, await OutcomeAsync(connection.Client.InvokeInOrderAsync("Watch", topic)), committed);
            }
        }
    }

    private bool MayWatch(WalkConnection connection, string topic) =>
        topic != GroupTopic || (connection.UserId is { } userId && _members.Contains(userId));

    /// <summary>A watch is answered with the snapshot, or refused as <c>not_member</c> for a group the caller is not in; nothing else.</summary>
    private void Answered(WalkConnection connection, string topic, (Completion? Answer, HubErrorException? Refusal) outcome, TopicTarget committed)
    {
        var watch = connection.Watch(topic);
        if (MayWatch(connection, topic))
        {
            if (outcome.Refusal is { } refusal)
            {
                throw new LiveContractViolation($"{connection.Name}: Watch({topic}) refused: {refusal.Message}");
            }
            watch.WatchAnswered(outcome.Answer!, committed);
            Note($"{connection.Name} watches {topic}: answered v{outcome.Answer!.Result!["version"]} at arrival {outcome.Answer.Order} (v{committed.Version} committed before)");
            return;
        }
        if (outcome.Refusal?.Message.Contains("not_member:", StringComparison.Ordinal) != true)
        {
            throw new LiveContractViolation($"{connection.Name} ({connection.UserId ?? "anonymous"}, not a member): Watch({topic}) answered {outcome.Answer?.Result?.ToJsonString() ?? outcome.Refusal?.Message}");
        }
        watch.WatchRefused();
        Note($"{connection.Name} watches {topic}: refused, not a member");
    }

    private static async Task<(Completion? Answer, HubErrorException? Refusal)> OutcomeAsync(Task<Completion> invocation)
    {
        try
        {
            return (await invocation, null);
        }
        catch (HubErrorException refusal)
        {
            return (null, refusal);
        }
    }
}
