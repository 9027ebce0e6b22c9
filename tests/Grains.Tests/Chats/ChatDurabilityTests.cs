using GroupBuy.Grains.Chats;
using GroupBuy.Grains.Interfaces.Chats;
using GroupBuy.TestSupport;
using static GroupBuy.Grains.Tests.Chats.ChatKit;

namespace GroupBuy.Grains.Tests.Chats;

/// <summary>History, membership and chains after a restart and a crash, on the durable stores.</summary>
public sealed class ChatDurabilityTests(PostgresFixture postgres) : IDisposable
{
    private readonly TempDirectory _folder = new();

    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.Postgres)]
    public async Task History_members_and_chains_survive_a_restart_and_a_crash(Store store)
    {
        await using var silo = await CommerceSilo.StartAsync(store, _folder, postgres);
        var group = await silo.StartGroupAsync(["m1", "m2", "m3"]);
        await silo.StartSaleAsync("plums", quantity: 100);
        var total = 2 * GroupChatGrain.PageSize + 60;
        await Task.WhenAll(Enumerable.Range(1, total - 1).Select(i => Task.Run(
            () => group.Post(Person($"m{1 + i % 3}"), new MessageDraft($"#{i}", null)), CommerceSilo.Token)));
        var chainId = (await group.StartChain(Person("leader"), ChainFor("plums"))).Unwrap().Chain.Id;
        var entries = new[] { ("m1", 2), ("m2", 1) };
        foreach (var (member, quantity) in entries)
        {
            (await silo.Chain(chainId).Enter(Person(member), quantity)).Unwrap();
        }
        (await group.Remove("m3", "m3")).Unwrap();
        var before = await group.AllMessagesAsync("m1");

        await silo.RestartAsync(CommerceSilo.Token);
        await AssertIntactAsync(silo.Group(), silo.Chain(chainId));

        // A post acknowledged just before a crash is there after it, and seq carries on from it.
        var last = (await silo.Group().Post(Person("m2"), new MessageDraft("last before the crash", null))).Unwrap();
        await silo.CrashAndRestartAsync(CommerceSilo.Token);
        await AssertIntactAsync(silo.Group(), silo.Chain(chainId));
        var after = await silo.Group().AllMessagesAsync("m1");
        Assert.Equal(last, after[^1]);
        var next = (await silo.Group().Post(Person("m1"), new MessageDraft("after", null))).Unwrap();
        Assert.Equal(total + 2, next.Seq);

        async Task AssertIntactAsync(IGroupChatGrain restarted, IChainGrain chain)
        {
            var history = await restarted.AllMessagesAsync("m1", pageSize: 90);
            Assert.Equal(before, history.Take(before.Count));
            Assert.Equal(Enumerable.Range(1, history.Count).Select(i => (long)i), history.Select(m => m.Seq));
            Assert.Equal(total, before.Count);
            Assert.Equal(chainId, history.Single(m => m.ChainId is not null).ChainId);
            Assert.Equal(["leader", "m1", "m2"], (await restarted.Members("m1")).Unwrap().Select(m => m.UserId));
            Assert.Equal(Interfaces.ErrorCodes.NotMember, (await restarted.Messages("m3", 0, 1)).Error?.Code);
            var snapshot = (await chain.Get())!;
            Assert.Equal(entries.Select(e => (e.Item1, e.Item2)), snapshot.Entries.Select(e => (e.ShopperId, e.Quantity)));
            Assert.Equal((2, 3, 3 * Price), (snapshot.Totals.Entries, snapshot.Totals.Quantity, snapshot.Totals.Amount));
            Assert.Equal(Interfaces.ErrorCodes.AlreadyMember, (await chain.Enter(Person("m1"), 1)).Error?.Code);
        }
    }

    public void Dispose() => _folder.Dispose();
}
