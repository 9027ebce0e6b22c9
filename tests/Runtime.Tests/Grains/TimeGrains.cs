namespace GroupBuy.Runtime.Tests.Grains;

public interface IAlarmGrain : IGrainWithStringKey
{
    Task SetDeadline(DateTimeOffset dueAt);

    Task SetPeriodic(TimeSpan dueTime, TimeSpan period);

    Task Cancel();

    Task StartTicking(TimeSpan period);

    Task<int> Ticks();
}

/// <summary>Reminders and timers, reported to the probe as "key:reminder:n" and "key:tick:n".</summary>
public sealed class AlarmGrain(Probe probe) : Grain, IAlarmGrain, IRemindable
{
    private int _reminders;
    private int _ticks;
    private bool _ticking;

    public Task SetDeadline(DateTimeOffset dueAt) => RegisterOrUpdateReminder("deadline", dueAt);

    public Task SetPeriodic(TimeSpan dueTime, TimeSpan period) => RegisterOrUpdateReminder("periodic", dueTime, period);

    public Task Cancel() => UnregisterReminder("periodic");

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        _reminders++;
        var key = GetPrimaryKeyString();
        if (key.StartsWith("failing", StringComparison.Ordinal) && _reminders == 1)
        {
            probe.Signal($"{key}:attempt:1");
            throw new InvalidOperationException("first delivery fails");
        }
        probe.Record($"{key}:{reminderName}:{status.CurrentTickTime:HH:mm}");
        probe.Signal($"{key}:{reminderName}:{_reminders}");
        return Task.CompletedTask;
    }

    public Task StartTicking(TimeSpan period)
    {
        RegisterGrainTimer(async ct =>
        {
            if (_ticking)
            {
                probe.Record("overlap");
            }
            _ticking = true;
            await Task.Yield();
            _ticks++;
            _ticking = false;
            probe.Signal($"{GetPrimaryKeyString()}:tick:{_ticks}");
        }, period, period);
        return Task.CompletedTask;
    }

    public Task<int> Ticks() => Task.FromResult(_ticks);
}
