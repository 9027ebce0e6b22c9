using GroupBuy.Grains.Interfaces.FlashSales;
using static GroupBuy.Grains.Tests.Chats.ChatKit;

namespace GroupBuy.Grains.Tests.Chats;

/// <summary>A chain entry rests on a membership only once the join that made it is durable.</summary>
public sealed class ChainMembershipCrashTests
{
    [Fact]
    public async Task An_entry_by_someone_whose_join_a_crash_lost_leaves_no_line_and_no_order()
    {
        var gate = new StorageGate();
        await using var silo = await CommerceSilo.StartAsync(services: gate.AddTo);
        var group = await silo.StartGroupAsync(["m1"]);
        var other = await silo.StartGroupAsync(["m2"], id: "g2");
        await silo.StartSaleAsync("plums", quantity: 10);
        var chainId = (await group.StartChain(Person("leader"), ChainFor("plums"))).Unwrap().Chain.Id;
        var otherChainId = (await other.StartChain(Person("leader"), ChainFor("plums"))).Unwrap().Chain.Id;

        // The join is raised but its append never lands: the crash below takes it.
        gate.Hold("group-chat");
        _ = Task.Run(() => group.Join(Person("late")), CommerceSilo.Token);
        await gate.Hit;
        _ = Task.Run(() => silo.Chain(chainId).Enter(Person("late"), 1), CommerceSilo.Token);
        // An entry through another group travels the same path (chain, group, sale, line) before the crash.
        (await silo.Chain(otherChainId).Enter(Person("m2"), 1)).Unwrap();
        await silo.CrashAndRestartAsync(CommerceSilo.Token);

        Assert.Equal(["leader", "m1"], (await silo.Group().Members("leader")).Unwrap().Select(m => m.UserId));
        Assert.Empty((await silo.Chain(chainId).Get())!.Entries);
        Assert.Empty(await silo.ListedFor("late"));
        Assert.Equal(1, (await silo.GrainFactory.GetGrain<IFlashSaleGrain>("plums").Get())!.Reserved);
    }
}
