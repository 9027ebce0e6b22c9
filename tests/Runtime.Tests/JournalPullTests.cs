using GroupBuy.Runtime.Storage;
using GroupBuy.Runtime.Testing;
using GroupBuy.Runtime.Tests.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBuy.Runtime.Tests;

/// <summary>A journal promises its next append while the one before it is written, and the store cuts it when it is ready.</summary>
public sealed class JournalPullTests
{
    private readonly Probe _probe = new();
    private readonly HeldAppends _appends = new();

    [Fact]
    public async Task The_next_append_is_promised_while_the_one_before_it_is_written_and_takes_everything_raised_until_its_cut()
    {
        await using var silo = await StartAsync();
        var ledger = silo.GrainFactory.GetGrain<ILedgerGrain>("promised");
        _appends.HoldFirst();

        var first = ledger.Record(1, "a");
        await _appends.FirstReached.WaitAsync(TestSilo.Token);
        var later = new[] { ledger.Record(2, "b"), ledger.Record(3, "c"), ledger.Record(4, "d") };
        Assert.Equal(4, (await ledger.Notes()).Count);   // raised while the first append is held
        _appends.Release();
        await first;
        await Task.WhenAll(later);

        Assert.Equal([true], _appends.PromisedWhileOneWasHeld);
        Assert.Equal([1, 3], _appends.AppendedBatchSizes);
        Assert.Equal((10, 4, 4L), await ledger.Read());
    }

    [Fact]
    public async Task When_an_append_fails_the_one_promised_behind_it_writes_nothing_and_its_callers_fail_too()
    {
        await using var silo = await StartAsync();
        var ledger = silo.GrainFactory.GetGrain<ILedgerGrain>("failed");
        _appends.HoldFirst(fail: true);

        var first = ledger.Record(1, "a");
        await _appends.FirstReached.WaitAsync(TestSilo.Token);
        var later = new[] { ledger.Record(2, "b"), ledger.Record(3, "c") };
        Assert.Equal(3, (await ledger.Notes()).Count);
        _appends.Release();

        await Assert.ThrowsAnyAsync<Exception>(() => first);
        foreach (var call in later)
        {
            await Assert.ThrowsAnyAsync<Exception>(() => call);
        }
        Assert.Empty(await silo.Storage.ReadEventsAsync("ledger", TestCluster.IdOf(ledger), 0, TestSilo.Token));
        await silo.RestartAsync(TestSilo.Token);
        Assert.Equal((0, 0, 0L), await silo.GrainFactory.GetGrain<ILedgerGrain>("failed").Read());
    }

    [Fact]
    public async Task Callers_of_an_append_cut_behind_one_that_failed_hear_that_failure_not_a_version_conflict()
    {
        await using var silo = await StartAsync();
        var ledger = silo.GrainFactory.GetGrain<ILedgerGrain>("cut-behind-a-failure");
        // As a group-commit store does: the first append's batch fails, and the next batch cuts the promised append before
        // the failure has reached the grain, at the version the failed append would have left.
        _appends.HoldFirst(fail: true, cutNextBeforeFailing: true);

        var first = ledger.Record(1, "a");
        await _appends.FirstReached.WaitAsync(TestSilo.Token);
        var later = ledger.Record(2, "b");
        Assert.Equal(2, (await ledger.Notes()).Count);
        _appends.Release();

        Assert.IsType<IOException>(await Assert.ThrowsAnyAsync<Exception>(() => first));
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => later);
        Assert.True(refused is IOException, $"the append cut behind the failed one failed with {refused}");
        Assert.Empty(await silo.Storage.ReadEventsAsync("ledger", TestCluster.IdOf(ledger), 0, TestSilo.Token));
    }

    private Task<TestCluster> StartAsync() =>
        TestSilo.StartAsync(_probe, services: s => s.AddKeyedSingleton<IJournalStorage>(
            PersistentStateAttribute.DefaultStorage, (sp, _) => _appends.Over(sp.GetRequiredService<MemoryGrainStorage>())));

    /// <summary>The memory store's journals, with the first append held (and failed, if asked) until released.</summary>
    private sealed class HeldAppends
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _firstFailing = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _nextCut = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _holdFirst;
        private bool _fail;
        private bool _cutNextBeforeFailing;
        private volatile bool _holding;

        public Task FirstReached => _reached.Task;

        /// <summary>For each append promised after the first: whether the first was still being written.</summary>
        public List<bool> PromisedWhileOneWasHeld { get; } = [];

        public List<int> AppendedBatchSizes { get; } = [];

        /// <param name="fail">The first append fails once released.</param>
        /// <param name="cutNextBeforeFailing">The next append is cut once the first has failed in the store, before the grain hears of it.</param>
        public void HoldFirst(bool fail = false, bool cutNextBeforeFailing = false) => (_holdFirst, _fail, _cutNextBeforeFailing) = (1, fail, cutNextBeforeFailing);

        public void Release() => _released.TrySetResult();

        public IJournalStorage Over(MemoryGrainStorage inner) => new Journals(inner, this);

        private sealed class Journals(MemoryGrainStorage inner, HeldAppends held) : IJournalStorage
        {
            public Task<JournalSnapshot?> ReadSnapshotAsync(string journalName, GrainId grainId, CancellationToken cancellationToken) =>
                inner.ReadSnapshotAsync(journalName, grainId, cancellationToken);

            public Task<IReadOnlyList<JournalEntry>> ReadEventsAsync(string journalName, GrainId grainId, long afterVersion, CancellationToken cancellationToken) =>
                inner.ReadEventsAsync(journalName, grainId, afterVersion, cancellationToken);

            public async Task AppendWhenReadyAsync(string journalName, GrainId grainId, Task previous, Func<JournalCut> cut, CancellationToken cancellationToken)
            {
                lock (held)
                {
                    if (held._reached.Task.IsCompleted)
                    {
                        held.PromisedWhileOneWasHeld.Add(held._holding);
                    }
                }
                if (held._cutNextBeforeFailing && held._reached.Task.IsCompleted)
                {
                    await held._firstFailing.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
                }
                else
                {
                    await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
                var batch = await Task.Run(cut, cancellationToken);
                held._nextCut.TrySetResult();
                await AppendAsync(journalName, grainId, batch.ExpectedVersion, batch.Events, batch.Index, cancellationToken);
            }

            public async Task AppendAsync(string journalName, GrainId grainId, long expectedVersion, IReadOnlyList<ReadOnlyMemory<byte>> events, IReadOnlyList<IndexEntry> index, CancellationToken cancellationToken)
            {
                if (Interlocked.Exchange(ref held._holdFirst, 0) == 1)
                {
                    held._holding = true;
                    held._reached.TrySetResult();
                    await held._released.Task;
                    held._holding = false;
                    if (held._fail)
                    {
                        if (held._cutNextBeforeFailing)
                        {
                            held._firstFailing.TrySetResult();
                            await held._nextCut.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
                        }
                        throw new IOException("The test's store failed the first append.");
                    }
                }
                lock (held)
                {
                    held.AppendedBatchSizes.Add(events.Count);
                }
                await inner.AppendAsync(journalName, grainId, expectedVersion, events, index, cancellationToken);
            }

            public Task WriteSnapshotAsync(string journalName, GrainId grainId, long version, ReadOnlyMemory<byte> payload, IReadOnlyList<IndexEntry> index, CancellationToken cancellationToken) =>
                inner.WriteSnapshotAsync(journalName, grainId, version, payload, index, cancellationToken);
        }
    }
}
