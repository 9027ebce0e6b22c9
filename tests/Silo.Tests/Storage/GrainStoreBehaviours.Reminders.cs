using GroupBuy.Runtime;
using GroupBuy.Runtime.Reminders;

namespace GroupBuy.Silo.Tests.Storage;

public abstract partial class GrainStoreBehaviours
{
    // Microseconds are the finest time both databases keep; the offset is not UTC on purpose.
    private static readonly DateTimeOffset Due = new DateTimeOffset(2030, 1, 2, 11, 4, 5, TimeSpan.FromHours(8)).AddTicks(1_234_560);

    [Fact]
    public async Task Reminders_are_upserted_updated_removed_and_read_back_together()
    {
        var deadline = new ReminderEntry(GrainId.Create("team", 1), "deadline", Due, null);
        var payBy = new ReminderEntry(GrainId.Create("order", 7), "pay-by", Due.AddMinutes(5), TimeSpan.FromMinutes(1));
        var sweep = new ReminderEntry(GrainId.Create("team", 1), "sweep", Due.AddHours(1), TimeSpan.FromSeconds(30));
        await Task.WhenAll(new[] { deadline, payBy, sweep }.Select(entry => Store.UpsertAsync(entry, Cancellation)));
        Assert.Equal(new[] { deadline, payBy, sweep }, await RemindersAsync());

        var moved = deadline with { DueAt = Due.AddMinutes(10), Period = TimeSpan.FromSeconds(5) };
        await Store.UpsertAsync(moved, Cancellation);
        await Store.RemoveAsync(sweep.GrainId, sweep.Name, Cancellation);
        await Store.RemoveAsync(GrainId.Create("team", 404), "never-set", Cancellation);

        Assert.Equal(new[] { payBy, moved }, await RemindersAsync());
    }

    [Fact]
    public async Task Reminders_survive_reopening_the_store()
    {
        var deadline = new ReminderEntry(GrainId.Create("team", 1), "deadline", Due, null);
        var payBy = new ReminderEntry(GrainId.Create("order", 7), "pay-by", Due.AddMinutes(5), TimeSpan.FromMinutes(1));
        await Store.UpsertAsync(deadline, Cancellation);
        await Store.UpsertAsync(payBy, Cancellation);
        await Store.DisposeAsync();

        var reopened = OpenStore();

        Assert.Equal(new[] { deadline, payBy }, (await reopened.ReadAllAsync(Cancellation)).OrderBy(r => r.DueAt));
    }

    private async Task<IEnumerable<ReminderEntry>> RemindersAsync() =>
        (await Store.ReadAllAsync(Cancellation)).OrderBy(r => r.DueAt);
}
