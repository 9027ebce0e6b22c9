using System.Text.Json;
using GroupBuy.Grains.Interfaces.Requests;
using GroupBuy.Grains.Requests;
using GroupBuy.Runtime;
using GroupBuy.Runtime.Hosting;
using GroupBuy.Runtime.Storage;
using GroupBuy.Runtime.Testing;
using GroupBuy.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GroupBuy.Grains.Tests.Requests;

/// <summary>A caller's idempotency keys: bounded in number, each write one small append, replayed across restarts.</summary>
public sealed class IdempotencyKeysTests : IDisposable
{
    private static readonly JsonSerializerOptions StoredJson = new(JsonSerializerDefaults.Web);
    private readonly TempDirectory _folder = new();

    private static StoredResponse Answer(int i) =>
        new(201, $"/api/orders/o{i:D4}", "application/json", $$"""{"id":"o{{i:D4}}","kind":"flash_sale","amount":990,"status":"pending_payment"}""");

    private static string Key(int i) => $"POST /api/flash-sales/s1/purchases:key-{i:D4}";

    private static IIdempotencyGrain KeysOf(TestCluster silo, string callerId) => silo.GrainFactory.GetGrain<IIdempotencyGrain>(callerId);

    /// <summary>Claims and answers a key, as the API's filter does for a request that succeeds.</summary>
    private static async Task WriteAsync(IIdempotencyGrain keys, int i)
    {
        Assert.True((await keys.Begin(Key(i), "f")).Started);
        await keys.Complete(Key(i), "f", Answer(i));
    }

    [Fact]
    public async Task A_caller_at_its_key_limit_is_refused_a_new_key_until_its_oldest_expires_and_keeps_every_live_one()
    {
        await using var silo = await CommerceSilo.StartAsync(services: s => s.Configure<IdempotencyOptions>(o => o.MaxKeysPerCaller = 3));
        var keys = KeysOf(silo, "u1");
        await WriteAsync(keys, 1);
        silo.Clock.Advance(TimeSpan.FromHours(1));
        await WriteAsync(keys, 2);
        await WriteAsync(keys, 3);

        var refused = await keys.Begin(Key(4), "f");

        Assert.False(refused.Started);
        Assert.Null(refused.Replay);
        Assert.Equal(TimeSpan.FromHours(23), refused.RetryAfter);
        Assert.Equal(IdempotencyClaim.TooManyKeys(3), refused.Refusal);
        // Every live key still answers as before: nothing was dropped to make room.
        Assert.Equal(Answer(1), (await keys.Begin(Key(1), "f")).Replay);
        Assert.Equal(IdempotencyClaim.DifferentRequest, (await keys.Begin(Key(3), "other")).Refusal);
        // Another caller has keys of its own.
        Assert.True((await KeysOf(silo, "u2").Begin(Key(4), "f")).Started);

        silo.Clock.Advance(TimeSpan.FromHours(23) - TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(1), (await keys.Begin(Key(4), "f")).RetryAfter);
        silo.Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.True((await keys.Begin(Key(4), "f")).Started);
        Assert.Equal(Answer(2), (await keys.Begin(Key(2), "f")).Replay);
        // The expired key answers nothing any more: it is a new key, and the caller holds three live ones again.
        var expired = await keys.Begin(Key(1), "f");
        Assert.Null(expired.Replay);
        Assert.Equal(TimeSpan.FromHours(1), expired.RetryAfter);
    }

    [Fact]
    public async Task A_released_key_frees_its_place_under_the_limit()
    {
        await using var silo = await CommerceSilo.StartAsync(services: s => s.Configure<IdempotencyOptions>(o => o.MaxKeysPerCaller = 2));
        var keys = KeysOf(silo, "u1");
        await WriteAsync(keys, 1);
        Assert.True((await keys.Begin(Key(2), "f")).Started);
        Assert.NotNull((await keys.Begin(Key(3), "f")).RetryAfter);

        await keys.Abandon(Key(2), "f");

        Assert.True((await keys.Begin(Key(3), "f")).Started);
    }

    [Theory]
    [InlineData(Store.Sqlite)]
    [InlineData(Store.Memory)]
    public async Task Answers_replay_after_a_restart_and_a_crash_and_expired_keys_leave_the_snapshot(Store store)
    {
        await using var silo = await CommerceSilo.StartAsync(store, _folder, services: s => s
            .Configure<GrainRuntimeOptions>(o => o.JournalSnapshotInterval = 10));
        var keys = KeysOf(silo, "u1");
        for (var i = 1; i <= 20; i++)
        {
            await WriteAsync(keys, i);
        }
        await silo.RestartAsync(CommerceSilo.Token);
        keys = KeysOf(silo, "u1");
        Assert.Equal(Answer(7), (await keys.Begin(Key(7), "f")).Replay);
        await WriteAsync(keys, 21);
        await silo.CrashAndRestartAsync(CommerceSilo.Token);
        keys = KeysOf(silo, "u1");

        for (var i = 1; i <= 21; i++)
        {
            Assert.Equal(Answer(i), (await keys.Begin(Key(i), "f")).Replay);
        }
        Assert.Equal(IdempotencyClaim.DifferentRequest, (await keys.Begin(Key(21), "other")).Refusal);

        // A day on, the next claims forget every earlier key, and the snapshot they lead to holds none of them.
        silo.Clock.Advance(IdempotencyKeys.Retention);
        for (var i = 101; i <= 112; i++)
        {
            await WriteAsync(keys, i);
        }
        await silo.RestartAsync(CommerceSilo.Token);
        var journal = silo.Services.GetRequiredKeyedService<IJournalStorage>(PersistentStateAttribute.DefaultStorage);
        var snapshot = await journal.ReadSnapshotAsync("keys", new GrainId("idempotency", "u1"), CommerceSilo.Token);
        var stored = JsonSerializer.Deserialize<IdempotencyKeys>(snapshot!.Payload, StoredJson)!;
        Assert.DoesNotContain(stored.Keys.Keys, key => key.EndsWith("key-0001", StringComparison.Ordinal) || key.EndsWith("key-0021", StringComparison.Ordinal));
        Assert.Contains(Key(101), stored.Keys.Keys);
        Assert.True((await KeysOf(silo, "u1").Begin(Key(1), "f")).Started, "An expired key came back after the restart.");
    }

    [Fact]
    public async Task Each_keyed_write_stores_the_same_bytes_however_many_keys_the_caller_holds()
    {
        var written = new WrittenBytes();
        await using var silo = await CommerceSilo.StartAsync(services: written.AddTo);
        var keys = KeysOf(silo, "u1");
        var perWrite = new List<long>();
        for (var i = 1; i <= 500; i++)
        {
            var before = written.Events;
            await WriteAsync(keys, i);
            perWrite.Add(written.Events - before);
        }
        await silo.RestartAsync(CommerceSilo.Token);

        Assert.Equal(0, written.States);   // no write rewrites a whole state
        Assert.True(perWrite[0] > 0);
        Assert.Equal(perWrite[0], perWrite[499]);
        Assert.All(perWrite, bytes => Assert.Equal(perWrite[0], bytes));
        // Snapshots included, all that was written is within a small multiple of the events themselves.
        Assert.InRange(written.Snapshots, 1, 2 * written.Events);
        Assert.Equal(Answer(1), (await KeysOf(silo, "u1").Begin(Key(1), "f")).Replay);
    }

    [Fact]
    public async Task An_answer_too_large_to_keep_releases_its_key_so_a_retry_runs_afresh()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var keys = KeysOf(silo, "u1");
        var limit = IdempotencyOptions.DefaultMaxStoredResponseBytes;
        var largest = new StoredResponse(200, null, "application/json", new string('x', limit));
        var larger = largest with { Body = new string('x', limit - 1) + "é" };   // one character more in UTF-8 bytes

        Assert.True((await keys.Begin("a", "f")).Started);
        await keys.Complete("a", "f", largest);
        Assert.True((await keys.Begin("b", "f")).Started);
        await keys.Complete("b", "f", larger);

        Assert.Equal(largest, (await keys.Begin("a", "f")).Replay);
        Assert.True((await keys.Begin("b", "f")).Started);
    }

    [Fact]
    public async Task A_caller_stored_whole_before_the_journal_keeps_its_live_keys_and_its_old_row_is_cleared()
    {
        await using var silo = await CommerceSilo.StartAsync();
        var now = silo.Clock.GetUtcNow();
        var earlier = new IdempotencyState();
        earlier.Keys[Key(1)] = new IdempotencyRecord("f", now - TimeSpan.FromHours(2), Answer(1));
        earlier.Keys[Key(2)] = new IdempotencyRecord("f", now - TimeSpan.FromDays(2), Answer(2));
        var id = new GrainId("idempotency", "u1");
        await silo.Storage.WriteAsync("idempotency", id, JsonSerializer.SerializeToUtf8Bytes(earlier, StoredJson), 0, CommerceSilo.Token);

        var keys = KeysOf(silo, "u1");

        Assert.Equal(Answer(1), (await keys.Begin(Key(1), "f")).Replay);
        Assert.True((await keys.Begin(Key(2), "f")).Started);
        Assert.Null((await silo.Storage.ReadAsync("idempotency", id, CommerceSilo.Token))!.Payload);
        await silo.RestartAsync(CommerceSilo.Token);
        Assert.Equal(Answer(1), (await KeysOf(silo, "u1").Begin(Key(1), "f")).Replay);
    }

    [Theory]
    [InlineData(0, IdempotencyOptions.DefaultMaxStoredResponseBytes)]
    [InlineData(IdempotencyOptions.DefaultMaxKeysPerCaller, 100)]
    public async Task A_silo_with_no_room_for_keys_or_answers_does_not_start(int maxKeys, int maxBytes)
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => CommerceSilo.StartAsync(services: s =>
            s.Configure<IdempotencyOptions>(o => (o.MaxKeysPerCaller, o.MaxStoredResponseBytes) = (maxKeys, maxBytes))));

        Assert.Contains(maxKeys == 0 ? nameof(IdempotencyOptions.MaxKeysPerCaller) : nameof(IdempotencyOptions.MaxStoredResponseBytes), failure.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();

    /// <summary>Counts the bytes the idempotency grains ask the memory storage to write: journal events, snapshots, whole states.</summary>
    private sealed class WrittenBytes
    {
        private long _events;
        private long _snapshots;
        private long _states;

        public long Events => Interlocked.Read(ref _events);

        public long Snapshots => Interlocked.Read(ref _snapshots);

        public long States => Interlocked.Read(ref _states);

        public void AddTo(IServiceCollection services)
        {
            const string name = PersistentStateAttribute.DefaultStorage;
            services.AddKeyedSingleton<IGrainStorage>(name, (sp, _) => new Counting(sp.GetRequiredService<MemoryGrainStorage>(), this));
            services.AddKeyedSingleton<IJournalStorage>(name, (sp, _) => new Counting(sp.GetRequiredService<MemoryGrainStorage>(), this));
        }

        private void Add(GrainId grainId, ref long total, long bytes)
        {
            if (grainId.Type == "idempotency")
            {
                Interlocked.Add(ref total, bytes);
            }
        }

        private sealed class Counting(MemoryGrainStorage inner, WrittenBytes written) : DelegatingGrainStorage(inner)
        {
            public override Task<long> WriteAsync(string stateName, GrainId grainId, ReadOnlyMemory<byte> payload, long expectedVersion, IReadOnlyList<IndexEntry> index, CancellationToken cancellationToken)
            {
                written.Add(grainId, ref written._states, payload.Length);
                return base.WriteAsync(stateName, grainId, payload, expectedVersion, index, cancellationToken);
            }

            public override Task AppendAsync(string journalName, GrainId grainId, long expectedVersion, IReadOnlyList<ReadOnlyMemory<byte>> events, IReadOnlyList<IndexEntry> index, CancellationToken cancellationToken)
            {
                written.Add(grainId, ref written._events, events.Sum(e => (long)e.Length));
                return base.AppendAsync(journalName, grainId, expectedVersion, events, index, cancellationToken);
            }

            public override Task WriteSnapshotAsync(string journalName, GrainId grainId, long version, ReadOnlyMemory<byte> payload, IReadOnlyList<IndexEntry> index, CancellationToken cancellationToken)
            {
                written.Add(grainId, ref written._snapshots, payload.Length);
                return base.WriteSnapshotAsync(journalName, grainId, version, payload, index, cancellationToken);
            }
        }
    }
}
