namespace GroupBuy.Runtime;

/// <summary>When and how often a reminder fires, passed with each tick.</summary>
public readonly record struct TickStatus(DateTimeOffset DueAt, TimeSpan? Period, DateTimeOffset CurrentTickTime);

/// <summary>
/// A grain that receives durable reminders. A reminder may fire more than once (at least once delivery),
/// so handlers must be idempotent.
/// </summary>
public interface IRemindable : IGrain
{
    Task ReceiveReminder(string reminderName, TickStatus status);
}

/// <summary>A registered reminder.</summary>
public interface IGrainReminder
{
    string ReminderName { get; }

    DateTimeOffset DueAt { get; }

    TimeSpan? Period { get; }
}
