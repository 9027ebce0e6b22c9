using GroupBuy.Grains.Chats;
using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.Chats;
using static GroupBuy.Grains.Tests.Chats.ChatKit;

namespace GroupBuy.Grains.Tests.Chats;

public sealed class GroupChatTests
{
    [Fact]
    public async Task A_thousand_concurrent_posts_get_seq_1_to_1000_with_no_gap_and_read_back_in_order()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var members = Enumerable.Range(0, 20).Select(i => $"m{i}").ToList();
        var group = await silo.StartGroupAsync(members);

        var posted = await Task.WhenAll(Enumerable.Range(0, 1_000).Select(i => Task.Run(
            () => group.Post(Person(members[i % members.Count]), new MessageDraft($"hello {i}", null)), CommerceSilo.Token)));

        var seqs = posted.Select(p => p.Unwrap().Seq).Order().ToList();
        Assert.Equal(Enumerable.Range(1, 1_000).Select(i => (long)i), seqs);
        var history = await group.AllMessagesAsync("m3", pageSize: 137);
        Assert.Equal(seqs, history.Select(m => m.Seq));
        Assert.Equal(posted.Select(p => p.Value!).OrderBy(m => m.Seq).Select(m => m.Text), history.Select(m => m.Text));
        Assert.Equal(1_000, (await group.View("leader")).Unwrap().LastSeq);
    }

    [Fact]
    public async Task History_pages_across_archived_and_recent_messages()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var group = await silo.StartGroupAsync(["m1"]);
        for (var i = 1; i <= 5 * GroupChatGrain.PageSize + 30; i++)
        {
            (await group.Post(Person("m1"), new MessageDraft($"#{i}", null))).Unwrap();
        }

        // A page that starts in the archive and ends among the recent messages, and one that ends past the last.
        var across = (await group.Messages("m1", 3 * GroupChatGrain.PageSize + 50, 200)).Unwrap();
        var tail = (await group.Messages("m1", 5 * GroupChatGrain.PageSize + 20, 50)).Unwrap();
        var first = (await group.Messages("m1", 0, 3)).Unwrap();

        Assert.Equal(Enumerable.Range(351, 180).Select(i => $"#{i}"), across.Select(m => m.Text));
        Assert.Equal(Enumerable.Range(521, 10).Select(i => (long)i), tail.Select(m => m.Seq));
        Assert.Equal(["#1", "#2", "#3"], first.Select(m => m.Text));
        Assert.Empty((await group.Messages("m1", 530, 10)).Unwrap());
    }

    [Fact]
    public async Task Only_members_post_and_read_and_the_leader_cannot_be_removed()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var group = await silo.StartGroupAsync(["m1", "m2"]);

        var outsiderPost = await group.Post(Person("outsider"), new MessageDraft("hi", null));
        var outsiderRead = await group.Messages("outsider", 0, 10);
        var leaderLeaves = await group.Remove("leader", "leader");
        var memberRemovesLeader = await group.Remove("m1", "leader");
        var memberRemovesMember = await group.Remove("m1", "m2");
        var rejoin = await group.Join(Person("m1"));
        (await group.Remove("m1", "m1")).Unwrap();
        var leftPost = await group.Post(Person("m1"), new MessageDraft("still here?", null));
        (await group.Remove("leader", "m2")).Unwrap();
        var members = (await group.Members("leader")).Unwrap();

        Assert.Equal(ErrorCodes.NotMember, outsiderPost.Error?.Code);
        Assert.Equal(ErrorCodes.NotMember, outsiderRead.Error?.Code);
        Assert.Equal(ErrorCodes.Conflict, leaderLeaves.Error?.Code);
        Assert.Equal(ErrorCodes.Conflict, memberRemovesLeader.Error?.Code);
        Assert.Equal(ErrorCodes.Forbidden, memberRemovesMember.Error?.Code);
        Assert.False(rejoin.Unwrap().Joined);
        Assert.Equal(ErrorCodes.NotMember, leftPost.Error?.Code);
        Assert.Equal(["leader"], members.Select(m => m.UserId));
        Assert.True(members[0].IsLeader);
        Assert.Null(await group.LeaderFor("m1"));
        Assert.Equal("leader", await group.LeaderFor("leader"));
    }
}
