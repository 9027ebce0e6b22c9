namespace GroupBuy.Runtime.Reminders;

/// <summary>A durable reminder: fires at <see cref="DueAt"/>, then every <see cref="Period"/> if it has one.</summary>
public sealed record ReminderEntry(GrainId GrainId, string Name, DateTimeOffset DueAt, TimeSpan? Period) : IGrainReminder
{
    string IGrainReminder.ReminderName => Name;
}

/// <summary>Keeps reminders in the same storage as grain state, so they fire after a restart.</summary>
public interface IReminderTable
{
    Task<IReadOnlyList<ReminderEntry>> ReadAllAsync(CancellationToken cancellationToken);

    Task UpsertAsync(ReminderEntry entry, CancellationToken cancellationToken);

    Task RemoveAsync(GrainId grainId, string name, CancellationToken cancellationToken);
}
