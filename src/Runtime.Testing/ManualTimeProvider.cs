namespace GroupBuy.Runtime.Testing;

/// <summary>
/// A clock that moves only when a test says so. <see cref="Advance"/> fires the timers that fall due, in
/// due order, on the calling thread; a timer set to fire at or before now fires at once on the thread pool.
/// Its timers refuse the due times and periods a system timer refuses, so the limit shows in tests too.
/// </summary>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now = start;
    private TaskCompletionSource _timerSet = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(TimeSpan DueTime, TaskCompletionSource Armed)> _waiters = [];

    public ManualTimeProvider() : this(new DateTimeOffset(2026, 11, 1, 8, 0, 0, TimeSpan.Zero))
    {
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        lock (_lock)
        {
            _timers.Add(timer);
        }
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock forward, firing every timer that falls due on the way.</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_lock)
        {
            target = _now + by;
        }
        while (true)
        {
            ManualTimer? next;
            lock (_lock)
            {
                next = _timers.Where(t => t.DueAt <= target).MinBy(t => t.DueAt);
                if (next is null)
                {
                    _now = target;
                    return;
                }
                if (next.DueAt > _now)
                {
                    _now = next.DueAt;
                }
                next.Advanced();
            }
            next.Fire();
        }
    }

    /// <summary>When the earliest pending timer is due, or null when no timer is pending.</summary>
    public DateTimeOffset? NextDueAt
    {
        get
        {
            lock (_lock)
            {
                var due = _timers.Count == 0 ? DateTimeOffset.MaxValue : _timers.Min(t => t.DueAt);
                return due == DateTimeOffset.MaxValue ? null : due;
            }
        }
    }

    /// <summary>
    /// Completes the next time a timer is set to fire at a finite time. A grain timer is re-armed only after its
    /// callback completes, so a test awaits this before advancing the clock to the next tick.
    /// </summary>
    public Task WhenTimerSet()
    {
        lock (_lock)
        {
            return _timerSet.Task;
        }
    }

    /// <summary>
    /// Completes once a timer is pending that was last set to fire <paramref name="dueTime"/> after it was set
    /// (at once if one is pending now): a test waits for a particular delay to be armed before advancing.
    /// </summary>
    public Task WhenTimerSet(TimeSpan dueTime)
    {
        lock (_lock)
        {
            if (_timers.Any(t => t.LastDueTime == dueTime && t.DueAt != DateTimeOffset.MaxValue))
            {
                return Task.CompletedTask;
            }
            var armed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((dueTime, armed));
            return armed.Task;
        }
    }

    /// <summary>Stops every timer, as a process crash would (the test kit's crash restart uses it).</summary>
    public void DropAllTimers()
    {
        lock (_lock)
        {
            _timers.Clear();
        }
    }

    private void Remove(ManualTimer timer)
    {
        lock (_lock)
        {
            _timers.Remove(timer);
        }
    }

    private sealed class ManualTimer(ManualTimeProvider clock, TimerCallback callback, object? state) : ITimer
    {
        /// <summary>The longest due time or period a system timer accepts, in milliseconds.</summary>
        private const long MaxSupportedTimeout = 0xfffffffe;

        public DateTimeOffset DueAt { get; private set; } = DateTimeOffset.MaxValue;

        public TimeSpan LastDueTime { get; private set; } = Timeout.InfiniteTimeSpan;

        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            ThrowIfUnsupported(dueTime, nameof(dueTime));
            ThrowIfUnsupported(period, nameof(period));
            bool fireNow;
            lock (clock._lock)
            {
                _period = period;
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? DateTimeOffset.MaxValue : clock._now + dueTime;
                fireNow = dueTime == TimeSpan.Zero && clock._timers.Contains(this);
                LastDueTime = dueTime;
                if (dueTime != Timeout.InfiniteTimeSpan)
                {
                    clock._timerSet.TrySetResult();
                    clock._timerSet = new(TaskCreationOptions.RunContinuationsAsynchronously);
                    foreach (var waiter in clock._waiters.Where(w => w.DueTime == dueTime).ToList())
                    {
                        waiter.Armed.TrySetResult();
                        clock._waiters.Remove(waiter);
                    }
                }
                if (fireNow)
                {
                    Advanced();
                }
            }
            if (fireNow)
            {
                ThreadPool.UnsafeQueueUserWorkItem(static self => self.Fire(), this, preferLocal: false);
            }
            return true;
        }

        /// <summary>Refuses what a system timer refuses (negative, or past 4,294,967,294 ms, about 49.7 days), so tests catch it.</summary>
        private static void ThrowIfUnsupported(TimeSpan time, string name)
        {
            // The same test as System.Threading.Timer's: whole milliseconds, -1 meaning never.
            var milliseconds = (long)time.TotalMilliseconds;
            if (milliseconds is < -1 or > MaxSupportedTimeout)
            {
                throw new ArgumentOutOfRangeException(name, time, $"A timer accepts {Timeout.InfiniteTimeSpan} or 0 to {MaxSupportedTimeout} ms.");
            }
        }

        /// <summary>Moves the due time past the current firing (under the clock's lock).</summary>
        public void Advanced() =>
            DueAt = _period > TimeSpan.Zero && _period != Timeout.InfiniteTimeSpan ? DueAt + _period : DateTimeOffset.MaxValue;

        public void Fire() => callback(state);

        public void Dispose() => clock.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
