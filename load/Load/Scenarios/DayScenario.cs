namespace GroupBuy.Load.Scenarios;

/// <summary>
/// A day in a community, compressed: a flash sale and a group buy share the shoppers (two fifths each), a tenth of
/// them as anonymous watchers of a few teams, and the group chats talk throughout, sharing the sale — when the server
/// has group chats (it is probed with <c>POST /api/groups</c>; without them the chat part is left out and said so).
/// </summary>
public sealed class DayScenario(int shoppers, bool withChat) : IScenario
{
    private readonly List<IScenario> _parts =
    [
        new FlashSaleScenario(Math.Max(1, shoppers * 2 / 5)),
        new GroupBuyScenario(Math.Max(1, shoppers * 2 / 5)),
        new WatchersScenario(),
        .. withChat ? new IScenario[] { new ChatStormScenario() } : [],
    ];

    public string Name => "day";

    public IReadOnlyList<IScenario> Parts => _parts;

    public async Task SeedAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        foreach (var part in _parts)
        {
            await part.SeedAsync(context, cancellationToken);
        }
    }

    public Task RunAsync(ScenarioContext context, CancellationToken cancellationToken) =>
        Task.WhenAll(_parts.Select(p => p.RunAsync(context, cancellationToken)));

    /// <summary>The options the parts run with: the watchers part gets a tenth of the shoppers as connections.</summary>
    public static RunOptions Adjust(RunOptions options) =>
        options with { Watchers = Math.Max(1, options.Shoppers / 10), Topics = Math.Max(1, Math.Min(options.Topics, 5)) };
}
