using GroupBuy.Runtime;
using Microsoft.AspNetCore.SignalR;

namespace GroupBuy.Api.Live;

/// <summary>
/// <c>/hubs/live</c>: <c>Watch(topic)</c> answers the topic's current snapshot and subscribes the connection
/// to its <c>progress</c> pushes (and a group's <c>message</c> pushes); <c>Unwatch(topic)</c> stops them. Pushes come from <see cref="LiveFeeds"/>.
/// Refusals are hub errors whose message carries the contract's code (<c>HubException: not_found: …</c>).
/// </summary>
public sealed partial class LiveHub(LiveFeeds feeds, IGrainFactory grains, ILogger<LiveHub> logger) : Hub
{
    public const string Path = "/hubs/live";

    private const int MaxTopicsPerConnection = 100;

    public async Task<object> Watch(string topic)
    {
        if (!LiveTopic.TryParse(topic, out var kind, out var id))
        {
            throw new HubException("validation: unknown topic; use team:{id}, flash-sale:{id}, group-buy:{id}, group:{id} or chain:{id}.");
        }
        var watched = Watched();
        if (!watched.Contains(topic) && watched.Count >= MaxTopicsPerConnection)
        {
            throw new HubException($"validation: a connection may watch at most {MaxTopicsPerConnection} topics.");
        }
        // The first read refuses unknown topics and non-members before anything is sent to them. The answer is read
        // again once subscribed: a change made between the two is in that snapshot or pushed after it, never lost
        // (a team that formed while its page opened would otherwise stay "1 more to join"). Clients keep the newer version.
        await ReadAsync(topic, kind, id);
        var subscribed = watched.Add(topic);
        await Groups.AddToGroupAsync(Context.ConnectionId, topic, Context.ConnectionAborted);
        feeds.Watch(topic, Context.ConnectionId, Context.UserIdentifier);
        try
        {
            return (await ReadAsync(topic, kind, id)).Data;
        }
        catch when (subscribed)
        {
            await Unwatch(topic);
            throw;
        }
    }

    public async Task Unwatch(string topic)
    {
        if (Watched().Remove(topic))
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, topic, Context.ConnectionAborted);
            feeds.Unwatch(topic, Context.ConnectionId);
        }
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        Disconnected(logger, Context.ConnectionId, exception?.Message ?? "closed");
        foreach (var topic in Watched())
        {
            feeds.Unwatch(topic, Context.ConnectionId);
        }
        return Task.CompletedTask;
    }

    private async Task<LiveUpdate> ReadAsync(string topic, string kind, string id) =>
        LiveTopic.IsMembersOnly(kind)
            ? await MembersOnlyTopic.ReadAsync(grains, kind, id, Context.User)
            : await LiveTopic.ReadAsync(grains, kind, id) ?? throw new HubException($"not_found: {topic} does not exist.");

    private HashSet<string> Watched() =>
        (HashSet<string>)(Context.Items.TryGetValue(nameof(Watched), out var topics) ? topics! : Context.Items[nameof(Watched)] = new HashSet<string>(StringComparer.Ordinal));

    /// <summary>Why a connection ended: closed by the client, or cut by the server (a send blocked past <see cref="LiveOptions.SendTimeout"/>, a token expired).</summary>
    [LoggerMessage(Level = LogLevel.Debug, Message = "Watcher {ConnectionId} disconnected: {Reason}")]
    private static partial void Disconnected(ILogger logger, string connectionId, string reason);
}
