using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.Chats;
using GroupBuy.Grains.Tests.Walks;
using GroupBuy.Runtime.Hosting;
using GroupBuy.Runtime.Testing;
using GroupBuy.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using static GroupBuy.Grains.Tests.Chats.ChatKit;

namespace GroupBuy.Grains.Tests.Chats.Model;

/// <summary>
/// A seeded random walk over two group chats and their sign-up chains on SQLite: members join, leave and are
/// removed, members and outsiders post and read (alone and in concurrent bursts long enough to seal archive
/// pages), leaders and others start and close chains, members and outsiders enter them (each entry a flash-sale
/// purchase), orders are paid, the clock crosses sales' windows and pay-by times, and the silo restarts or
/// crashes (also in the middle of posts and entries). Every answer is checked against <see cref="ModelGroup"/>
/// and <see cref="ModelChain"/>, the groups and chains after every step, and everything every few steps.
/// The clock moves only by <see cref="TestCluster.AdvanceByStepsAsync"/> on a 30-second grid, as in the flash-sale walk.
/// </summary>
internal sealed partial class ChatWalk(int seed, Store store, PostgresFixture postgres) : ModelWalk(seed, store, postgres)
{
    private const int AuditEvery = 10;
    private static readonly TimeSpan Grid = TimeSpan.FromSeconds(30);
    private static readonly string[] Leaders = ["L1", "L2"];
    private static readonly int[] SnapshotIntervals = [1, 3, 7, 50];
    private static readonly string[] Users = ["L1", "L2", "u1", "u2", "u3", "u4", "u5", "u6"];

    private readonly List<ModelGroup> _groups = [];
    private int _texts;

    /// <summary>A group id nobody creates: everything on it is <c>not_found</c>.</summary>
    private string Missing => $"w{Seed}g9";

    private IEnumerable<ModelChain> AllChains => _groups.SelectMany(g => g.Chains);

    /// <summary>Snapshots every few events, so a group loads from a snapshot of its recent messages, not only by replay.</summary>
    private int SnapshotInterval => SnapshotIntervals[Seed % SnapshotIntervals.Length];

    protected override void ConfigureServices(IServiceCollection services) =>
        services.Configure<GrainRuntimeOptions>(o => o.JournalSnapshotInterval = SnapshotInterval);

    protected override async Task SetUpAsync()
    {
        Note($"seed {Seed}, a snapshot every {SnapshotInterval} events");
        foreach (var leader in Leaders)
        {
            await CreateGroupAsync(leader);
        }
    }

    protected override async Task StepAsync()
    {
        await OpenSalesAsync();
        var roll = Random.Next(100);
        await (roll switch
        {
            < 9 => JoinAsync(),
            < 15 => RemoveAsync(),
            < 32 => PostAsync(),
            < 40 => PostBurstAsync(),
            < 44 => ReadAsync(),
            < 50 => StartChainAsync(),
            < 64 => EnterAsync(),
            < 70 => EntryBurstAsync(),
            < 73 => CloseAsync(),
            < 79 => PayAsync(),
            < 91 => AdvanceAsync(),
            < 94 => RestartAsync(crash: false),
            < 96 => RestartAsync(crash: true),
            < 97 => CrashDuringPostsAsync(),
            < 98 => CrashDuringEntriesAsync(),
            _ => LoseLineAsync(),
        });
        await CheckAsync();
        if (Step % AuditEvery == 0)
        {
            await AuditAsync();
        }
    }

    protected override Task FinishAsync() => AuditAsync();

    private async Task CreateGroupAsync(string leader)
    {
        var id = $"w{Seed}g{_groups.Count + 1}";
        var created = (await Silo.Group(id).Create($"group {id}", Person(leader))).Unwrap();
        var group = new ModelGroup(id, leader, Now);
        _groups.Add(group);
        Check(created.LeaderId == leader && created.MemberCount == 1 && created.Version == 1 && created.LastSeq == 0, $"created {id} as {created}");
        var again = await Silo.Group(id).Create("again", Person(Pick(Users)));
        Check(again.Error?.Code == ErrorCodes.Conflict, $"creating {id} again answered {Describe(again)}");
        foreach (var user in Users.Where(u => u != leader && Random.Next(2) == 0))
        {
            (await Silo.Group(id).Join(Person(user))).Unwrap();
            group.Join(user, Now);
        }
        Note($"create {id} led by {leader}, members {string.Join(",", group.Members.Keys)}");
    }

    private async Task JoinAsync()
    {
        var group = PickGroupOrMissing();
        var user = Pick(Users);
        var result = await Silo.Group(group?.Id ?? Missing).Join(Person(user));
        Note($"join {group?.Id ?? Missing} {user} → {Describe(result)}");
        if (group is null)
        {
            Check(result.Error?.Code == ErrorCodes.NotFound, $"joining a missing group answered {Describe(result)}");
            return;
        }
        var joined = group.Join(user, Now);
        Check(result.Value is { } join && join.Joined == joined, $"expected joined={joined}, got {Describe(result)}");
        CheckGroup(group, result.Value!.Group);
    }

    /// <summary>A member leaves, the leader removes one, someone else tries, or someone tries the leader.</summary>
    private async Task RemoveAsync()
    {
        var group = Pick(_groups);
        var caller = Random.Next(3) == 0 ? group.LeaderId : Pick(Users);
        var member = Random.Next(3) switch
        {
            0 => caller,
            1 => Pick(group.Members.Keys.ToList()),
            _ => Pick(Users),
        };
        var result = await Silo.Group(group.Id).Remove(caller, member);
        Note($"remove {group.Id} {member} by {caller} → {Describe(result)}");
        var refusals = group.RemoveRefusals(caller, member);
        if (refusals.Count > 0)
        {
            Check(result.Error is { } error && refusals.Contains(error.Code), $"expected {string.Join(" or ", refusals)}, got {Describe(result)}");
            return;
        }
        group.Leave(member);
        Check(result.IsSuccess, $"a removal the model allows answered {Describe(result)}");
        CheckGroup(group, result.Value!);
    }

    private async Task PostAsync()
    {
        var group = PickGroupOrMissing();
        var author = group is not null && Random.Next(5) > 0 ? Pick(group.Members.Keys.ToList()) : Pick(Users);
        var (draft, valid) = Random.Next(20) switch
        {
            0 => (new MessageDraft(null, null), false),
            1 => (new MessageDraft("both", new ShareRef(ShareKind.FlashSale, "x")), false),
            2 => (new MessageDraft("", null), false),
            3 or 4 => (new MessageDraft(null, new ShareRef(Pick(Enum.GetValues<ShareKind>()), $"item{Random.Next(5)}")), true),
            _ => (new MessageDraft($"m{++_texts}", null), true),
        };
        var result = await Silo.Group(group?.Id ?? Missing).Post(Person(author), draft);
        Note($"post {group?.Id ?? Missing} by {author} {draft.Text ?? draft.Share?.ToString() ?? "(nothing)"} → {Describe(result)}");
        if (group is null || !group.IsMember(author) || !valid)
        {
            // A non-member's invalid post may be refused either way: the spec orders neither check first.
            var allowed = group is null ? [ErrorCodes.NotFound]
                : !group.IsMember(author) ? (valid ? [ErrorCodes.NotMember] : new[] { ErrorCodes.NotMember, ErrorCodes.Validation })
                : [ErrorCodes.Validation];
            Check(result.Error is { } error && allowed.Contains(error.Code), $"expected {string.Join(" or ", allowed)}, got {Describe(result)}");
            return;
        }
        var expected = group.Next(author, draft.Text, draft.Share, chainId: null, Now);
        Check(result.Value == expected, $"posted {Describe(result)}, expected {expected}");
        group.Messages.Add(expected);
    }

    /// <summary>A read by anyone, with any window (invalid ones too); members get exactly the model's messages.</summary>
    private async Task ReadAsync()
    {
        var group = PickGroupOrMissing();
        var reader = Pick(Users);
        var afterSeq = Random.Next(-1, (int)(group?.LastSeq ?? 0) + 4);
        var limit = Random.Next(0, 201);
        var result = await Silo.Group(group?.Id ?? Missing).Messages(reader, afterSeq, limit);
        Note($"read {group?.Id ?? Missing} by {reader} after {afterSeq} limit {limit} → {(result.Value is { } v ? $"{v.Count} messages" : result.Error!.Code)}");
        if (group is null || !group.IsMember(reader))
        {
            Check(result.Error?.Code == (group is null ? ErrorCodes.NotFound : ErrorCodes.NotMember), $"an outsider's read answered {result.Error?.Code ?? "messages"}");
            return;
        }
        if (afterSeq < 0 || limit < 1)
        {
            Check(result.Error?.Code == ErrorCodes.Validation, $"a read after {afterSeq} limit {limit} answered {result.Error?.Code ?? "messages"}");
            return;
        }
        CheckMessages(group, afterSeq, limit, result);
    }

    /// <summary>Restarts the silo gracefully or by a crash (the clock stands still), lets due reminders run, then audits everything.</summary>
    private async Task RestartAsync(bool crash)
    {
        if (crash)
        {
            await Silo.CrashAndRestartAsync(Token);
        }
        else
        {
            await Silo.StopSiloAsync(Token);
            await Silo.StartSiloAsync(Token);
        }
        await Silo.AdvanceByStepsAsync(TimeSpan.Zero, Token);
        Note(crash ? "crash and restart" : "restart");
        await AuditAsync();
    }

    private ModelGroup? PickGroupOrMissing() => Random.Next(20) == 0 ? null : Pick(_groups);
}
