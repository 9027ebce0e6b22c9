using GroupBuy.Runtime;
using Microsoft.AspNetCore.SignalR;

namespace GroupBuy.Api.Live;

/// <summary>
/// The bridge from grain topics to SignalR groups. A topic is subscribed only while someone watches it.
/// Each topic has one feed that pushes in version order and never repeats or reverses a version; flash-sale
/// feeds push at most ten times a second, latest value winning, but always push a terminal state.
/// </summary>
public sealed partial class LiveFeeds(ILiveTopics topics, IHubContext<LiveHub> hub, TimeProvider time, ILogger<LiveFeeds> logger)
{
    public static readonly TimeSpan CoalescingInterval = TimeSpan.FromMilliseconds(100);

    private readonly IHubContext<LiveHub> _hub = hub;
    private readonly TimeProvider _time = time;
    private readonly ILogger<LiveFeeds> _logger = logger;
    private readonly Dictionary<string, TopicFeed> _feeds = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public void Watch(string topic)
    {
        lock (_lock)
        {
            if (!_feeds.TryGetValue(topic, out var feed))
            {
                feed = new TopicFeed(topic, this);
                _feeds[topic] = feed;
                feed.Subscription = topics.Subscribe(topic, (_, snapshot) => feed.Offer(snapshot));
            }
            feed.Watchers++;
        }
    }

    public void Unwatch(string topic)
    {
        lock (_lock)
        {
            if (_feeds.TryGetValue(topic, out var feed) && --feed.Watchers == 0)
            {
                feed.Subscription?.Dispose();
                _feeds.Remove(topic);
            }
        }
    }

    /// <summary>Topics with a live subscription now (for tests and diagnostics).</summary>
    public int SubscribedTopics
    {
        get
        {
            lock (_lock)
            {
                return _feeds.Count;
            }
        }
    }

    private sealed partial class TopicFeed(string topic, LiveFeeds owner)
    {
        private readonly Lock _lock = new();
        private readonly Queue<LiveUpdate> _terminals = new();
        private readonly bool _coalesced = LiveTopic.IsCoalesced(topic);
        private LiveUpdate? _latest;
        private long _offeredVersion;
        private long _sentVersion;
        private bool _pumping;

        public int Watchers { get; set; }

        public IDisposable? Subscription { get; set; }

        /// <summary>Runs on the publishing grain's turn: only records the update and wakes the pump.</summary>
        public void Offer(object snapshot)
        {
            if (LiveTopic.Map(snapshot) is not { } update)
            {
                return;
            }
            lock (_lock)
            {
                if (update.Version <= _offeredVersion)
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
            // Off the grain's turn: the pump must neither hold up the grain nor have its awaits return to the grain's scheduler.
            ThreadPool.UnsafeQueueUserWorkItem(static feed => _ = feed.PumpAsync(), this, preferLocal: false);
        }

        private async Task PumpAsync()
        {
            while (true)
            {
                LiveUpdate next;
                lock (_lock)
                {
                    // A terminal state goes out even when a later update has overtaken it within the window.
                    var candidate = _terminals.Count > 0 ? _terminals.Dequeue() : _latest;
                    if (candidate is null || candidate.Version <= _sentVersion)
                    {
                        _latest = null;
                        if (_terminals.Count == 0)
                        {
                            _pumping = false;
                            return;
                        }
                        continue;
                    }
                    if (ReferenceEquals(candidate, _latest))
                    {
                        _latest = null;
                    }
                    next = candidate;
                    _sentVersion = candidate.Version;
                }
                try
                {
                    await owner._hub.Clients.Group(topic).SendAsync("progress", new { topic, version = next.Version, data = next.Data });
                }
                catch (Exception exception)
                {
                    PushFailed(owner._logger, exception, topic);
                }
                if (_coalesced)
                {
                    await Task.Delay(CoalescingInterval, owner._time);
                }
            }
        }

        [LoggerMessage(Level = LogLevel.Warning, Message = "Pushing live topic {Topic} failed")]
        private static partial void PushFailed(ILogger logger, Exception exception, string topic);
    }
}
