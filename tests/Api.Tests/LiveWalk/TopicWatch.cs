using System.Text.Json.Nodes;
using GroupBuy.TestSupport;

namespace GroupBuy.Api.Tests.LiveWalk;

/// <summary>
/// What one connection may receive on one topic, and what it has received, checked push by push in arrival order.
/// A connection's life on a topic is a run of watch periods: each opens when <c>Watch</c> is sent and closes when
/// <c>Unwatch</c> is answered or the member's leave is answered. Between periods no push may come, except one the
/// close lets through (after a leave, what the group held before it may still be on its way).
/// </summary>
internal sealed class TopicWatch(string topic)
{
    private readonly List<WatchPeriod> _periods = [];
    private long _lastPushedVersion;
    private long _lastPushedSeq;

    public string Topic { get; } = topic;

    /// <summary>The period of the last <c>Watch</c>, while it is open and answered: the server owes it every change.</summary>
    public WatchPeriod? Current => _periods.Count > 0 && _periods[^1].IsOpen && _periods[^1].Answered ? _periods[^1] : null;

    /// <summary>True when a <c>Watch</c> was sent and no close has come since (answered or not).</summary>
    public bool IsOpen => _periods.Count > 0 && _periods[^1].IsOpen;

    /// <summary><c>Watch</c> is sent after <paramref name="receivedSoFar"/> records: pushes after it may belong to it.</summary>
    public void WatchSent(long receivedSoFar)
    {
        if (!IsOpen)
        {
            // A close answered after this send (Unwatch before Watch, both in flight) leaves an empty gap.
            var opensAt = _periods.Count > 0 ? Math.Max(receivedSoFar, _periods[^1].ClosedAt) : receivedSoFar;
            _periods.Add(new WatchPeriod(opensAt));
        }
    }

    /// <summary>The <c>Watch</c> answer: the snapshot is at least <paramref name="committedBefore"/>, the version the walk knew before the call.</summary>
    public void WatchAnswered(Completion answer, TopicTarget committedBefore)
    {
        var version = answer.Result!["version"]!.GetValue<long>();
        Check(version >= committedBefore.Version, $"Watch({Topic}) answered version {version}, older than {committedBefore.Version} committed before the call");
        Check(answer.Result["lastSeq"] is not { } answeredSeq || answeredSeq.GetValue<long>() >= committedBefore.LastSeq,
            $"Watch({Topic}) answered lastSeq {answer.Result["lastSeq"]}, older than {committedBefore.LastSeq} posted before the call");
        var period = _periods[^1];
        period.Answered = true;
        period.Known = Math.Max(period.Known, version);
        if (answer.Result["lastSeq"] is { } lastSeq)
        {
            // Messages after the answer's lastSeq must all come: the answer was read once the watch was subscribed.
            period.KnownSeq = Math.Max(period.KnownSeq, lastSeq.GetValue<long>());
            period.SeqBase = period.SeqBase is { } seqBase ? Math.Max(seqBase, period.KnownSeq) : period.KnownSeq;
        }
    }

    /// <summary>A refused <c>Watch</c> (not a member) opens nothing: the period it opened is taken back.</summary>
    public void WatchRefused()
    {
        if (_periods.Count > 0 && _periods[^1] is { IsOpen: true, Answered: false } refused)
        {
            refused.Close(refused.OpensAt, toleratedVersion: 0, toleratedSeq: 0);
        }
    }

    /// <summary><c>Unwatch</c> answered at <paramref name="order"/>: no push of the topic may come after it.</summary>
    public void Closed(long order, long toleratedVersion = 0, long toleratedSeq = 0)
    {
        if (IsOpen)
        {
            _periods[^1].Close(order, toleratedVersion, toleratedSeq);
        }
    }

    /// <summary>Checks one push of this topic, in arrival order.</summary>
    public void Received(Arrival push)
    {
        var period = _periods.LastOrDefault(p => p.OpensAt < push.Order);
        var inside = period is not null && push.Order <= period.ClosedAt;
        if (push.Target == "message")
        {
            var seq = push.Argument["message"]!["seq"]!.GetValue<long>();
            Check(seq > _lastPushedSeq, $"message {seq} on {Topic} after message {_lastPushedSeq}: not in seq order");
            _lastPushedSeq = seq;
            Check(inside || seq <= (period?.ToleratedSeq ?? 0), $"message {seq} on {Topic} pushed after the watch had ended (arrival {push.Order})");
            if (inside)
            {
                Check(period!.SeqBase is not { } seqBase || seq <= seqBase + 1, $"message {seq} on {Topic} skips messages after {period.SeqBase}");
                period.SeqBase = Math.Max(period.SeqBase ?? 0, seq);
                period.KnownSeq = Math.Max(period.KnownSeq, seq);
            }
            return;
        }
        var version = push.Argument["version"]!.GetValue<long>();
        Check(push.Target == "progress", $"unexpected push {push.Target} on {Topic}");
        Check(version > _lastPushedVersion, $"progress version {version} on {Topic} after version {_lastPushedVersion}: versions must rise strictly");
        _lastPushedVersion = version;
        Check(inside || version <= (period?.ToleratedVersion ?? 0), $"progress version {version} on {Topic} pushed after the watch had ended (arrival {push.Order})");
        if (inside)
        {
            period!.Known = Math.Max(period.Known, version);
        }
    }

    private static void Check(bool holds, string violation)
    {
        if (!holds)
        {
            throw new LiveContractViolation(violation);
        }
    }
}

/// <summary>One watch of a topic on a connection: from the <c>Watch</c> sent to the close answered.</summary>
internal sealed class WatchPeriod(long opensAt)
{
    public long OpensAt { get; } = opensAt;

    public long ClosedAt { get; private set; } = long.MaxValue;

    public bool IsOpen => ClosedAt == long.MaxValue;

    public bool Answered { get; set; }

    /// <summary>The newest version this watch has shown: its answer's or a push's.</summary>
    public long Known { get; set; }

    /// <summary>The newest message <c>seq</c> this watch has shown (a group's answer's <c>lastSeq</c> or a message).</summary>
    public long KnownSeq { get; set; }

    /// <summary>The <c>seq</c> every later message of this watch must follow without a gap, once known.</summary>
    public long? SeqBase { get; set; }

    /// <summary>After the close, pushes up to these may still come (sent before a leave took effect).</summary>
    public long ToleratedVersion { get; private set; }

    public long ToleratedSeq { get; private set; }

    public void Close(long order, long toleratedVersion, long toleratedSeq) =>
        (ClosedAt, ToleratedVersion, ToleratedSeq) = (Math.Max(order, OpensAt), toleratedVersion, toleratedSeq);
}

/// <summary>A push or answer the contract does not allow.</summary>
internal sealed class LiveContractViolation(string message) : Exception(message);

/// <summary>A topic as the server last answered it over HTTP: every watcher must come to see at least this.</summary>
internal sealed record TopicTarget(long Version, long LastSeq, string Status)
{
    public static TopicTarget Of(JsonNode snapshot) =>
        new(snapshot["version"]!.GetValue<long>(), snapshot["lastSeq"]?.GetValue<long>() ?? 0, snapshot["status"]?.GetValue<string>() ?? "");
}
