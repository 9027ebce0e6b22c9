using System.Diagnostics.Metrics;

namespace GroupBuy.Api.Live;

/// <summary>
/// The live bridge's instruments (meter <c>GroupBuy.Live</c>): topics watched now, and pushes sent to a topic's
/// watchers by kind (<c>progress</c> or <c>message</c>), one per topic push however many watch it. SignalR's own
/// meter (<c>Microsoft.AspNetCore.Http.Connections</c>) counts the connections.
/// </summary>
public sealed class LiveMetrics
{
    public const string MeterName = "GroupBuy.Live";

    private readonly UpDownCounter<long> _topics;
    private readonly Counter<long> _pushes;

    public LiveMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _topics = meter.CreateUpDownCounter<long>("groupbuy.live.topics", unit: "{topic}", description: "Topics someone watches now.");
        _pushes = meter.CreateCounter<long>("groupbuy.live.pushes", unit: "{push}", description: "Pushes sent to a topic's watchers, by kind.");
    }

    public void TopicWatched() => _topics.Add(1);

    public void TopicUnwatched() => _topics.Add(-1);

    public void Pushed(string kind)
    {
        if (_pushes.Enabled)
        {
            _pushes.Add(1, new KeyValuePair<string, object?>("live.kind", kind));
        }
    }
}
