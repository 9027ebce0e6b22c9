using System.Text.Json;
using GroupBuy.Grains.Interfaces.Requests;
using GroupBuy.Grains.Requests;
using GroupBuy.Runtime;
using GroupBuy.Runtime.Reminders;
using GroupBuy.Runtime.Storage;
using GroupBuy.Runtime.Testing;
using GroupBuy.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBuy.Grains.Tests.Requests;

/// <summary>A caller who never comes back: its keys are swept when they expire, and it leaves nothing but an empty snapshot stored.</summary>
public sealed class IdempotencyKeyExpiryTests : IDisposable
{
    private static readonly JsonSerializerOptions StoredJson = new(JsonSerializerDefaults.Web);
    private static readonly GrainId Caller = new("idempotency", "u1");
    private readonly TempDirectory _folder = new();

    private static string Key(int i) => $"POST /api/flash-sales/s1/purchases:key-{i:D4}";

    private static async Task WriteAsync(TestCluster silo, int i)
    {
        var keys = silo.GrainFactory.GetGrain<IIdempotencyGrain>(Caller.Key);
        Assert.True((await keys.Begin(Key(i), "f")).Started);
        await keys.Complete(Key(i), "f", new StoredResponse(201, $"/api/orders/o{i}", "application/json", $$"""{"id":"o{{i}}"}"""));
    }

    /// <summary>
    /// Moves the clock, which fires the reminders that fall due, then restarts: a graceful stop waits for the deliveries
    /// under way, so what is stored afterwards is what the sweep left.
    /// </summary>
    private static async Task AdvanceAndRestartAsync(TestCluster silo, TimeSpan by)
    {
        silo.Clock.Advance(by);
        await silo.RestartAsync(CommerceSilo.Token);
    }

    /// <summary>The caller's keys as stored (snapshot and events), the events stored, and when its reminders are due.</summary>
    private static async Task<(string[] Keys, int Events, DateTimeOffset[] Reminders)> StoredAsync(TestCluster silo)
    {
        var journal = silo.Services.GetRequiredKeyedService<IJournalStorage>(PersistentStateAttribute.DefaultStorage);
        var (snapshot, events) = await journal.ReadJournalAsync("keys", Caller, CommerceSilo.Token);
        var state = snapshot is null ? new IdempotencyKeys() : JsonSerializer.Deserialize<IdempotencyKeys>(snapshot.Payload, StoredJson)!;
        foreach (var entry in events)
        {
            state.Apply(JsonSerializer.Deserialize<IdempotencyEvent>(entry.Payload, StoredJson)!);
        }
        var reminders = await silo.Services.GetRequiredService<IReminderTable>().ReadAllAsync(CommerceSilo.Token);
        return ([.. state.Keys.Keys], events.Count, [.. reminders.Where(r => r.GrainId == Caller).Select(r => r.DueAt)]);
    }

    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.Memory)]
    public async Task Keys_of_a_caller_who_never_returns_are_swept_as_they_expire_until_only_an_empty_snapshot_is_left(Store store)
    {
        await using var silo = await CommerceSilo.StartAsync(store, _folder);
        var start = silo.Clock.GetUtcNow();
        await WriteAsync(silo, 1);
        await WriteAsync(silo, 2);
        silo.Clock.Advance(TimeSpan.FromHours(12));
        await WriteAsync(silo, 3);
        Assert.Equal([start + IdempotencyKeys.Retention], (await StoredAsync(silo)).Reminders);

        // A day after the first keys: they are dropped, the younger one stays, and the reminder moves to its expiry.
        await AdvanceAndRestartAsync(silo, TimeSpan.FromHours(12));
        var (keys, _, reminders) = await StoredAsync(silo);
        Assert.Equal([Key(3)], keys);
        Assert.Equal([start + TimeSpan.FromHours(12) + IdempotencyKeys.Retention], reminders);

        // Its expiry: nothing is left to replay, and nothing but a snapshot of no keys stays stored.
        await AdvanceAndRestartAsync(silo, TimeSpan.FromHours(12));
        Assert.Equal(([], 0, []), await StoredAsync(silo));
        Assert.True((await silo.GrainFactory.GetGrain<IIdempotencyGrain>(Caller.Key).Begin(Key(3), "other")).Started);
    }

    [Fact]
    public async Task A_caller_who_keeps_writing_sets_the_reminder_once_not_once_a_key()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var start = silo.Clock.GetUtcNow();
        for (var i = 1; i <= 5; i++)
        {
            await WriteAsync(silo, i);
            silo.Clock.Advance(TimeSpan.FromHours(1));
        }

        Assert.Equal([start + IdempotencyKeys.Retention], (await StoredAsync(silo)).Reminders);
    }

    public void Dispose() => _folder.Dispose();
}
