using GroupBuy.Load.Client;

namespace GroupBuy.Load.Scenarios;

/// <summary>
/// Chat storm (社群): groups of members, every member watching its group live (<c>group:{id}</c>); messages are
/// posted at a steady total rate by members in turn, every fifth one a share card of a live campaign when the run
/// has one. Push latency is the message's <c>sentAt</c> to its arrival at each member.
/// </summary>
public sealed class ChatStormScenario : IScenario
{
    private readonly List<(string GroupId, Shopper[] Members)> _groups = [];

    public string Name => "chat";

    public async Task SeedAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var members = Math.Max(1, options.MembersPerGroup);
        var people = await context.Seeder.ShoppersAsync("chat", Math.Max(1, options.Groups) * members, cancellationToken);
        for (var g = 0; g < Math.Max(1, options.Groups); g++)
        {
            var group = people[(g * members)..((g + 1) * members)];
            var created = await context.Http.PostAsync("seed: group", "/api/groups", group[0].Token, new { name = $"团 {g}" }, cancellationToken);
            if (!created.Ok)
            {
                throw new InvalidOperationException($"seeding failed: POST /api/groups answered {(int)created.Status} {created.Code} (does the server have group chats?)");
            }
            var groupId = created.Text("id");
            foreach (var member in group.Skip(1))
            {
                var joined = await context.Http.PostAsync("seed: join group", $"/api/groups/{groupId}/members", member.Token, null, cancellationToken);
                if (!joined.Ok)
                {
                    throw new InvalidOperationException($"seeding failed: joining a group answered {(int)joined.Status} {joined.Code}");
                }
            }
            context.Ledger.Groups[groupId] = group[0].Token;
            _groups.Add((groupId, group));
        }
    }

    public async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var everyone = _groups.SelectMany(g => g.Members.Select(m => (g.GroupId, Member: m))).ToArray();
        // Members open the chat on the ramp while the talk goes on: a chat does not wait for everyone to arrive.
        var arriving = Arrivals.RunAsync(everyone.Length, context.Options.Ramp, context.Clock, async (i, ct) =>
        {
            var hub = await context.Hubs.ConnectAsync(everyone[i].Member.Token, ct);
            await hub.WatchAsync($"group:{everyone[i].GroupId}", ct);
        }, context, cancellationToken);
        await Task.WhenAll(arriving, PostAtRateAsync(context, everyone, cancellationToken));
    }

    private static async Task PostAtRateAsync(ScenarioContext context, (string GroupId, Shopper Member)[] everyone, CancellationToken cancellationToken)
    {
        var share = context.Ledger.FlashSales.Keys.FirstOrDefault();
        var started = context.Clock.GetTimestamp();
        var posts = new List<Task>();
        for (var k = 0; !cancellationToken.IsCancellationRequested; k++)
        {
            if (!await Pacing.WaitUntilAsync(context.Clock, started, Pacing.AtRate(k, context.Options.Rate), cancellationToken))
            {
                break;
            }
            // Walk the groups first, then their members, so every group hears from several people.
            var (groupId, member) = everyone[(k % everyone.Length) * 7919 % everyone.Length];
            object body = share is not null && k % 5 == 4 ? new { share = new { kind = "flash_sale", id = share } } : new { text = $"消息 {k}：今天的团谁来？" };
            posts.Add(PostAsync(context, groupId, member, body, cancellationToken));
        }
        await Task.WhenAll(posts);
    }

    private static async Task PostAsync(ScenarioContext context, string groupId, Shopper member, object body, CancellationToken cancellationToken)
    {
        try
        {
            var posted = await context.Http.PostAsync("post message", $"/api/groups/{groupId}/messages", member.Token, body, cancellationToken);
            if (posted.Ok)
            {
                context.Ledger.Messages.Add(new AcknowledgedMessage(groupId, posted.Number("seq")));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The run is over.
        }
    }
}
