using Microsoft.Extensions.Logging;

namespace GroupBuy.Runtime.Diagnostics;

internal sealed partial class RuntimeLog(ILogger logger)
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Activation of {GrainId} failed")]
    public partial void ActivationFailed(Exception exception, GrainId grainId);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "OnDeactivateAsync of {GrainId} failed")]
    public partial void DeactivationFailed(Exception exception, GrainId grainId);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "A continuation posted to {GrainId} threw")]
    public partial void ContinuationFailed(Exception exception, GrainId grainId);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Timer callback of {GrainId} failed")]
    public partial void TimerFailed(Exception exception, GrainId grainId);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Reminder {ReminderName} of {GrainId} failed; it will be retried")]
    public partial void ReminderFailed(Exception exception, GrainId grainId, string reminderName);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Writing state {StateName} of {GrainId} failed; the activation will be dropped")]
    public partial void StateWriteFailed(Exception exception, GrainId grainId, string stateName);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Loaded {Count} reminders")]
    public partial void RemindersLoaded(int count);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "The silo stopped before {Count} activations finished deactivating, among them {Sample}")]
    public partial void ShutdownIncomplete(int count, string sample);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "OnDeactivateAsync of {GrainId} did not finish within {Timeout} or before the silo stopped; deactivation goes on without it")]
    public partial void DeactivationAbandoned(GrainId grainId, TimeSpan timeout);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Activations kept appearing while the silo stopped; {Count} remain after {Passes} passes")]
    public partial void ShutdownPassesExhausted(int count, int passes);
}
