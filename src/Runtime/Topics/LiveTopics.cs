using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace GroupBuy.Runtime.Topics;

/// <summary>In-process topics with copy-on-write subscriber lists, so publishing takes no lock.</summary>
internal sealed partial class LiveTopics(ILogger<LiveTopics> logger) : ILiveTopics
{
    private readonly ConcurrentDictionary<string, Action<string, object>[]> _subscribers = new(StringComparer.Ordinal);

    public void Publish(string topic, object liveEvent)
    {
        if (!_subscribers.TryGetValue(topic, out var handlers))
        {
            return;
        }
        foreach (var handler in handlers)
        {
            try
            {
                handler(topic, liveEvent);
            }
            catch (Exception exception)
            {
                // One failing subscriber must not break the publisher or the other subscribers.
                SubscriberFailed(exception, topic);
            }
        }
    }

    public bool HasSubscribers(string topic) => _subscribers.ContainsKey(topic);

    public IDisposable Subscribe(string topic, Action<string, object> handler)
    {
        _subscribers.AddOrUpdate(topic, static (_, h) => [h], static (_, existing, h) => [.. existing, h], handler);
        return new Subscription(this, topic, handler);
    }

    private void Unsubscribe(string topic, Action<string, object> handler)
    {
        while (_subscribers.TryGetValue(topic, out var existing))
        {
            var remaining = existing.Where(h => h != handler).ToArray();
            var replaced = remaining.Length == 0
                ? _subscribers.TryRemove(new KeyValuePair<string, Action<string, object>[]>(topic, existing))
                : _subscribers.TryUpdate(topic, remaining, existing);
            if (replaced)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A subscriber of live topic {Topic} failed")]
    private partial void SubscriberFailed(Exception exception, string topic);

    private sealed class Subscription(LiveTopics topics, string topic, Action<string, object> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                topics.Unsubscribe(topic, handler);
            }
        }
    }
}
