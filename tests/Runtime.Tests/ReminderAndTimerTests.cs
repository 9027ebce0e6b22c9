using GroupBuy.Runtime.Tests.Grains;

namespace GroupBuy.Runtime.Tests;

public sealed class ReminderAndTimerTests
{
    /// <summary>How long a test waits, in real time, for what must happen.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly Probe _probe = new();

    [Fact]
    public async Task A_one_shot_reminder_fires_at_its_due_time_and_only_once()
    {
        await using var silo = await TestSilo.StartAsync(_probe);
        var alarm = silo.GrainFactory.GetGrain<IAlarmGrain>("a");
        await alarm.SetDeadline(silo.Clock.GetUtcNow().AddMinutes(10));

        silo.Clock.Advance(TimeSpan.FromMinutes(9));
        Assert.Empty(_probe.Events);
        silo.Clock.Advance(TimeSpan.FromMinutes(1));
        await _probe.Signaled("a:deadline:1");
        await silo.RestartAsync(TestSilo.Token);   // a graceful stop waits for the delivery to be recorded
        silo.Clock.Advance(TimeSpan.FromHours(1));
        await silo.GrainFactory.GetGrain<IAlarmGrain>("a").Ticks();

        Assert.Equal(["a:deadline:08:10"], _probe.Events);
        Assert.Empty(await silo.Storage.ReadAllAsync(TestSilo.Token));
    }

    [Fact]
    public async Task A_reminder_that_falls_due_while_the_silo_is_down_fires_after_the_restart()
    {
        await using var silo = await TestSilo.StartAsync(_probe);
        await silo.GrainFactory.GetGrain<IAlarmGrain>("down").SetDeadline(silo.Clock.GetUtcNow().AddMinutes(5));

        await silo.StopSiloAsync(TestSilo.Token);
        silo.Clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Empty(_probe.Events);
        await silo.StartSiloAsync(TestSilo.Token);

        await _probe.Signaled("down:deadline:1");
        Assert.Equal(["down:deadline:08:30"], _probe.Events);
    }

    [Fact]
    public async Task A_reminder_survives_a_crash_and_fires_after_the_restart()
    {
        await using var silo = await TestSilo.StartAsync(_probe);
        await silo.GrainFactory.GetGrain<IAlarmGrain>("crash").SetDeadline(silo.Clock.GetUtcNow().AddMinutes(5));

        await silo.CrashAndRestartAsync(TestSilo.Token);
        silo.Clock.Advance(TimeSpan.FromMinutes(5));

        await _probe.Signaled("crash:deadline:1");
    }

    [Fact]
    public async Task A_periodic_reminder_fires_every_period_until_unregistered()
    {
        await using var silo = await TestSilo.StartAsync(_probe);
        var alarm = silo.GrainFactory.GetGrain<IAlarmGrain>("p");
        await alarm.SetPeriodic(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));

        for (var i = 1; i <= 3; i++)
        {
            silo.Clock.Advance(TimeSpan.FromMinutes(1));
            await _probe.Signaled($"p:periodic:{i}");
        }
        await alarm.Cancel();
        silo.Clock.Advance(TimeSpan.FromMinutes(10));
        await alarm.Ticks();

        Assert.Equal(["p:periodic:08:01", "p:periodic:08:02", "p:periodic:08:03"], _probe.Events);
    }

    [Fact]
    public async Task A_reminder_whose_handler_fails_is_delivered_again()
    {
        await using var silo = await TestSilo.StartAsync(_probe, runtime => runtime.ReminderRetryDelay = TimeSpan.FromSeconds(30));
        await silo.GrainFactory.GetGrain<IAlarmGrain>("failing").SetDeadline(silo.Clock.GetUtcNow().AddMinutes(1));

        silo.Clock.Advance(TimeSpan.FromMinutes(1));
        await _probe.Signaled("failing:attempt:1");
        silo.Clock.Advance(TimeSpan.FromSeconds(30));

        await _probe.Signaled("failing:deadline:2");
        Assert.Equal(["failing:deadline:08:01"], _probe.Events);
    }

    [Fact]
    public async Task A_reminder_further_out_than_a_system_timer_can_wait_registers_and_the_silo_restarts_with_it()
    {
        // The manual clock refuses what a system timer refuses (over ~49.7 days), so this is the real limit.
        await using var silo = await TestSilo.StartAsync(_probe);
        await silo.GrainFactory.GetGrain<IAlarmGrain>("far").SetDeadline(silo.Clock.GetUtcNow().AddDays(60));

        await silo.RestartAsync(TestSilo.Token);

        await silo.Clock.WhenTimerSet(TimeSpan.FromDays(1)).WaitAsync(Bound, TestSilo.Token);   // the wait is taken a day at a time
        Assert.Single(await silo.Storage.ReadAllAsync(TestSilo.Token));
    }

    [Fact]
    public async Task A_reminder_days_out_fires_on_time_after_day_long_waits_that_find_nothing_due()
    {
        await using var silo = await TestSilo.StartAsync(_probe);
        await silo.GrainFactory.GetGrain<IAlarmGrain>("days").SetDeadline(silo.Clock.GetUtcNow().AddDays(2.5));
        await silo.Clock.WhenTimerSet(TimeSpan.FromDays(1)).WaitAsync(Bound, TestSilo.Token);

        silo.Clock.Advance(TimeSpan.FromDays(2.5) - TimeSpan.FromMinutes(1));
        Assert.Empty(_probe.Events);
        silo.Clock.Advance(TimeSpan.FromMinutes(1));

        await _probe.Signaled("days:deadline:1").WaitAsync(Bound, TestSilo.Token);
        Assert.Equal(["days:deadline:20:00"], _probe.Events);
    }

    [Fact]
    public async Task Grain_timer_ticks_run_as_turns_never_overlap_and_stop_with_the_activation()
    {
        await using var silo = await TestSilo.StartAsync(_probe);
        var alarm = silo.GrainFactory.GetGrain<IAlarmGrain>("t");
        await alarm.StartTicking(TimeSpan.FromSeconds(1));

        for (var i = 1; i <= 5; i++)
        {
            // The next tick is armed only when this one's callback has completed.
            var rearmed = silo.Clock.WhenTimerSet();
            silo.Clock.Advance(TimeSpan.FromSeconds(1));
            await _probe.Signaled($"t:tick:{i}");
            await rearmed;
        }
        await silo.DeactivateAsync(alarm);
        silo.Clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(0, await alarm.Ticks());
        Assert.DoesNotContain("overlap", _probe.Events);
    }
}
