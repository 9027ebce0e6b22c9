using GroupBuy.Api.Chats;
using GroupBuy.Grains.Interfaces.Chats;
using GroupBuy.Runtime;
using Microsoft.AspNetCore.SignalR;

namespace GroupBuy.Api.Live;

/// <summary>
/// The bridge from grain topics to SignalR groups. A topic is subscribed only while someone watches it.
/// Each topic has one feed that pushes in version order and never repeats or reverses a version; flash-sale and
/// group-buy feeds push at most ten times a second, latest value winning, but always push a terminal state. A group's
/// chat messages are never coalesced: each goes out as <c>message</c>, in <c>seq</c> order.
/// </summary>
public sealed partial class LiveFeeds(
    ILiveTopics topics, IHubContext<LiveHub> hub, IGrainFactory grains, TimeProvider time, LiveMetrics metrics, ILogger<LiveFeeds> logger)
{
    public static readonly TimeSpan CoalescingInterval = TimeSpan.FromMilliseconds(100);

    private readonly IHubContext<LiveHub> _hub = hub;
    private readonly IGrainFactory _grains = grains;
    private readonly TimeProvider _time = time;
    private readonly LiveMetrics _metrics = metrics;
    private readonly ILogger<LiveFeeds> _logger = logger;
    private readonly Dictionary<string, TopicFeed> _feeds = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Adds a watching connection (idempotent per connection); <paramref name="userId"/> lets a group end the watch of a member who left.</summary>
    public void Watch(string topic, string connectionId, string? userId)
    {
        lock (_lock)
        {
            if (!_feeds.TryGetValue(topic, out var feed))
            {
                feed = new TopicFeed(topic, this);
                _feeds[topic] = feed;
            }
            if (feed.Subscription is null)
            {
                feed.Subscription = topics.Subscribe(topic, (_, snapshot) => feed.Offer(snapshot));
                _metrics.TopicWatched();
            }
            feed.Watchers[connectionId] = userId;
        }
    }

    public void Unwatch(string topic, string connectionId)
    {
        lock (_lock)
        {
            if (_feeds.TryGetValue(topic, out var feed) && feed.Watchers.Remove(connectionId) && feed.Watchers.Count == 0)
            {
                feed.Subscription?.Dispose();
                feed.Subscription = null;
                _metrics.TopicUnwatched();
                // A feed still pushing (a coalesced one waits out its window with an update due) stays the topic's
                // feed until its pump ends: a new one made now for a watcher who comes back would push newer
                // versions while the old one still sends its older due one to the same group, out of order.
                if (feed.TryRetire())
                {
                    _feeds.Remove(topic);
                }
            }
        }
    }

    /// <summary>A feed's pump has ended: a feed nobody watches any more leaves now.</summary>
    private void PumpEnded(TopicFeed feed)
    {
        lock (_lock)
        {
            if (feed.Subscription is null && _feeds.TryGetValue(feed.Topic, out var current) && current == feed && feed.TryRetire())
            {
                _feeds.Remove(feed.Topic);
            }
        }
    }

    /// <summary>A member left the group: their connections stop receiving the group's pushes.</summary>
    private async Task EndWatchesAsync(string topic, string userId)
    {
        List<string> connections;
        lock (_lock)
        {
            connections = _feeds.TryGetValue(topic, out var feed) ? [.. feed.Watchers.Where(w => w.Value == userId).Select(w => w.Key)] : [];
        }
        foreach (var connectionId in connections)
        {
            await _hub.Groups.RemoveFromGroupAsync(connectionId, topic);
            Unwatch(topic, connectionId);
        }
    }

    /// <summary>Topics with a live subscription now (for tests and diagnostics).</summary>
    public int SubscribedTopics
    {
        get
        {
            lock (_lock)
            {
                return _feeds.Values.Count(f => f.Subscription is not null);
            }
        }
    }

    private sealed partial class TopicFeed(string topic, LiveFeeds owner)
    {
        private readonly Lock _lock = new();
        private readonly Queue<LiveUpdate> _terminals = new();
        /// <summary>Messages and departures of a group, in the order the group published them.</summary>
        private readonly Queue<object> _messages = new();
        private readonly bool _coalesced = LiveTopic.IsCoalesced(topic);
        private LiveUpdate? _latest;
        private long _offeredVersion;
        private long _sentVersion;
        private long _offeredSeq;
        private bool _pumping;
        private bool _retired;

        public string Topic => topic;

        /// <summary>Watching connections and their users; guarded by the owner's lock.</summary>
        public Dictionary<string, string?> Watchers { get; } = new(StringComparer.Ordinal);

        /// <summary>The grain topic's subscription while anyone watches; guarded by the owner's lock.</summary>
        public IDisposable? Subscription { get; set; }

        /// <summary>
        /// Ends an idle feed for good: an update its subscription was handing over as it was disposed is dropped, not
        /// pumped by a feed that is no longer the topic's (a watcher back by then reads it in its snapshot). False while pumping.
        /// </summary>
        public bool TryRetire()
        {
            lock (_lock)
            {
                _retired = !_pumping;
                return _retired;
            }
        }

        /// <summary>Runs on the publishing grain's turn: only records the update and wakes the pump.</summary>
        public void Offer(object snapshot)
        {
            if (snapshot is GroupMessagePosted posted)
            {
                OfferMessage(posted.Message);
                return;
            }
            if (snapshot is GroupMemberLeft left)
            {
                Enqueue(left);
                return;
            }
            if (LiveTopic.Map(snapshot) is not { } update)
            {
                return;
            }
            lock (_lock)
            {
                if (_retired || update.Version <= _offeredVersion)
                {
                    return;
                }
                _offeredVersion = update.Version;
                if (update.IsTerminal)
                {
                    _terminals.Enqueue(update);
                }
                _latest = update;
                if (_pumping)
                {
                    return;
                }
                _pumping = true;
            }
            StartPump();
        }

        /// <summary>Every message is queued (none is coalesced away); a <c>seq</c> already offered is not offered again.</summary>
        private void OfferMessage(ChatMessage message)
        {
            lock (_lock)
            {
                if (message.Seq <= _offeredSeq)
                {
                    return;
                }
                _offeredSeq = message.Seq;
            }
            Enqueue(message);
        }

        private void Enqueue(object item)
        {
            lock (_lock)
            {
                if (_retired)
                {
                    return;
                }
                _messages.Enqueue(item);
                if (_pumping)
                {
                    return;
                }
                _pumping = true;
            }
            StartPump();
        }

        private void StartPump()
        {
            // Off the grain's turn: the pump must neither hold up the grain nor have its awaits return to the grain's scheduler.
            ThreadPool.UnsafeQueueUserWorkItem(static feed => _ = feed.PumpAsync(), this, preferLocal: false);
        }

        private async Task PumpAsync()
        {
            while (true)
            {
                object? item;
                LiveUpdate? next = null;
                lock (_lock)
                {
                    if (!_messages.TryDequeue(out item) && (next = NextProgress()) is null)
                    {
                        _pumping = false;
                        break;
                    }
                }
                try
                {
                    if (item is ChatMessage message)
                    {
                        // serverTime as on every live update, so clients keep their clock on the server's.
                        Deliver(owner._hub.Clients.Group(topic).SendAsync("message", new { topic, message = await CardOfAsync(message), serverTime = owner._time.GetUtcNow() }));
                        owner._metrics.Pushed("message");
                    }
                    else if (item is GroupMemberLeft left)
                    {
                        await owner.EndWatchesAsync(topic, left.UserId);
                    }
                    else
                    {
                        owner._metrics.Pushed("progress");
                        await DeliverWithinIntervalAsync(owner._hub.Clients.Group(topic).SendAsync("progress", new { topic, version = next!.Version, data = next.Data }));
                    }
                }
                catch (Exception exception)
                {
                    PushFailed(owner._logger, exception, topic);
                }
                if (_coalesced && next is not null)
                {
                    await Task.Delay(CoalescingInterval, owner._time);
                }
            }
            owner.PumpEnded(this);
        }

        /// <summary>
        /// A group send writes to every watcher before it returns, each write queued behind the connection's earlier ones,
        /// so the order holds whether or not it is awaited; its task ends once the slowest watcher has taken the frame.
        /// Awaited to the end, one watcher that stops reading (a phone on a poor link, or a client that never reads) held
        /// every update of the topic for everyone until its send timed out (<see cref="LiveOptions.SendTimeout"/>), and
        /// again after it reconnected. A chat message is not waited for: how fast they come is bounded by the members'
        /// rate limits. A progress update waits one coalescing interval at most, so that a busy server's pump does not
        /// outrun what its sockets drain, while a stalled watcher costs the others no more than that a push until it is cut.
        /// </summary>
        private void Deliver(Task sending)
        {
            if (!sending.IsCompletedSuccessfully)
            {
                _ = ObserveAsync(sending);
            }
        }

        /// <inheritdoc cref="Deliver"/>
        private async Task DeliverWithinIntervalAsync(Task sending)
        {
            try
            {
                await sending.WaitAsync(CoalescingInterval, owner._time);
            }
            catch (TimeoutException)
            {
                _ = ObserveAsync(sending);
            }
        }

        private async Task ObserveAsync(Task sending)
        {
            try
            {
                await sending;
            }
            catch (Exception exception)
            {
                PushFailed(owner._logger, exception, topic);
            }
        }

        /// <summary>The next progress update to send, or null when none is due; called under the lock.</summary>
        private LiveUpdate? NextProgress()
        {
            while (true)
            {
                // A terminal state goes out even when a later update has overtaken it within the window.
                var candidate = _terminals.Count > 0 ? _terminals.Dequeue() : _latest;
                if (candidate is null || candidate.Version <= _sentVersion)
                {
                    _latest = null;
                    if (_terminals.Count == 0)
                    {
                        return null;
                    }
                    continue;
                }
                if (ReferenceEquals(candidate, _latest))
                {
                    _latest = null;
                }
                _sentVersion = candidate.Version;
                return candidate;
            }
        }

        /// <summary>The message as members read it; a shared item's snapshot that cannot be read now leaves the card without one.</summary>
        private async Task<MessageResponse> CardOfAsync(ChatMessage message)
        {
            try
            {
                return await ShareCards.ToResponseAsync(owner._grains, message);
            }
            catch (Exception exception)
            {
                ShareReadFailed(owner._logger, exception, topic, message.Seq);
                return ShareCards.ToResponse(message, shareSnapshot: null);
            }
        }

        [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the shared item of message {Seq} on {Topic} failed; it is pushed without its snapshot")]
        private static partial void ShareReadFailed(ILogger logger, Exception exception, string topic, long seq);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Pushing live topic {Topic} failed")]
        private static partial void PushFailed(ILogger logger, Exception exception, string topic);
    }
}
