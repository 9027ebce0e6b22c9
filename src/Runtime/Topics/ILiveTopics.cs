namespace GroupBuy.Runtime;

/// <summary>
/// Live events by topic (the part Orleans' streams play here). Grains publish snapshots as they change;
/// in-process subscribers (the SignalR bridge) receive each topic's events in publish order. Delivery is
/// best effort: the grain's state is the truth, and a subscriber that missed something re-reads it.
/// </summary>
public interface ILiveTopics
{
    /// <summary>Hands the event to the topic's subscribers, synchronously and in order; returns at once when there are none.</summary>
    void Publish(string topic, object liveEvent);

    /// <summary>Subscribes until the returned handle is disposed. Handlers must not block: they run on the publisher's turn.</summary>
    IDisposable Subscribe(string topic, Action<string, object> handler);

    /// <summary>Whether anyone listens to the topic, so a publisher can skip building an event nobody reads.</summary>
    bool HasSubscribers(string topic);
}
