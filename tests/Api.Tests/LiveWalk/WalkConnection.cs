using GroupBuy.TestSupport;

namespace GroupBuy.Api.Tests.LiveWalk;

/// <summary>One hub connection of the walk, its watches by topic, and what it has received checked against them.</summary>
internal sealed class WalkConnection(string name, string? userId, SignalRClient client) : IAsyncDisposable
{
    private static readonly TimeSpan SettleBound = TimeSpan.FromSeconds(30);
    private readonly Dictionary<string, TopicWatch> _watches = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    /// <summary>The signed-in shopper, or null for an anonymous watcher.</summary>
    public string? UserId { get; } = userId;

    public SignalRClient Client { get; } = client;

    public TopicWatch Watch(string topic) =>
        _watches.TryGetValue(topic, out var watch) ? watch : _watches[topic] = new TopicWatch(topic);

    /// <summary>Topics with a watch sent and not closed since.</summary>
    public IEnumerable<string> OpenTopics => _watches.Values.Where(w => w.IsOpen).Select(w => w.Topic);

    public int PushesChecked { get; private set; }

    /// <summary>Checks every push received so far, in arrival order.</summary>
    public void Absorb()
    {
        foreach (var push in Client.DrainArrivals())
        {
            PushesChecked++;
            var topic = push.Argument["topic"]?.GetValue<string>() ?? throw new LiveContractViolation($"{Name}: a {push.Target} push without a topic");
            try
            {
                Watch(topic).Received(push);
            }
            catch (LiveContractViolation violation)
            {
                throw new LiveContractViolation($"{Name}: {violation.Message}");
            }
        }
    }

    /// <summary>
    /// Waits, without sleeping, until every answered watch has seen the version (and a group's last message) the
    /// server answered over HTTP after the step: a push it never gets fails the walk after the bound, not a hang.
    /// </summary>
    public async Task SettleAsync(IReadOnlyDictionary<string, TopicTarget> targets, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(SettleBound);
        while (true)
        {
            Absorb();
            if (Behind(targets) is not { } behind)
            {
                return;
            }
            try
            {
                if (!await Client.WaitForArrivalAsync(bounded.Token))
                {
                    Absorb();
                    throw new LiveContractViolation($"{Name}: the connection closed while {behind}");
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new LiveContractViolation($"{Name}: after {SettleBound.TotalSeconds} s still {behind}");
            }
        }
    }

    /// <summary>Why this connection is not caught up, or null when it is.</summary>
    private string? Behind(IReadOnlyDictionary<string, TopicTarget> targets)
    {
        foreach (var watch in _watches.Values)
        {
            if (watch.Current is not { } period || !targets.TryGetValue(watch.Topic, out var target))
            {
                continue;
            }
            if (period.Known < target.Version)
            {
                return $"{watch.Topic} is at version {period.Known}, the server at {target.Version} ({target.Status})";
            }
            if (period.KnownSeq < target.LastSeq)
            {
                return $"{watch.Topic} has message {period.KnownSeq}, the server {target.LastSeq}";
            }
        }
        return null;
    }

    public ValueTask DisposeAsync() => Client.DisposeAsync();
}
