using GroupBuy.Runtime.Catalog;

namespace GroupBuy.Runtime;

/// <summary>
/// Base class of every grain (Orleans' <c>Grain</c>). The runtime creates grains through dependency
/// injection, loads their persistent state, and runs one turn at a time on each activation, so grain
/// fields need no locks.
/// </summary>
public abstract class Grain
{
    private Activation? _activation;

    internal Activation Activation
    {
        get => _activation ?? throw new InvalidOperationException("The grain is not attached to an activation yet; use it from OnActivateAsync on.");
        set => _activation = value;
    }

    public GrainId GrainId => Activation.GrainId;

    protected IGrainFactory GrainFactory => Activation.Runtime.GrainFactory;

    public string GetPrimaryKeyString() => GrainId.Key;

    public Guid GetPrimaryKey() => GrainId.GetGuidKey();

    public long GetPrimaryKeyLong() => GrainId.GetIntegerKey();

    /// <summary>Runs after the persistent state is loaded and before the first call is delivered.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs before the activation goes away; best effort (a crash skips it).</summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deactivates this activation once the current request has completed.</summary>
    protected void DeactivateOnIdle() => Activation.DeactivateOnIdle();

    /// <summary>Keeps the activation from idle collection for at least <paramref name="timeSpan"/>.</summary>
    protected void DelayDeactivation(TimeSpan timeSpan) => Activation.DelayDeactivation(timeSpan);

    /// <summary>
    /// A timer that lives with the activation. Each tick runs as a turn of this grain and the next tick is
    /// scheduled only after the callback completes, so ticks never overlap.
    /// </summary>
    protected IGrainTimer RegisterGrainTimer<TState>(Func<TState, CancellationToken, Task> callback, TState state, GrainTimerCreationOptions options) =>
        Activation.RegisterTimer(callback, state, options);

    protected IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, GrainTimerCreationOptions options) =>
        Activation.RegisterTimer(static (cb, ct) => cb(ct), callback, options);

    protected IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period) =>
        RegisterGrainTimer(callback, new GrainTimerCreationOptions(dueTime, period));

    /// <summary>A durable periodic reminder; the grain must implement <see cref="IRemindable"/>.</summary>
    protected Task<IGrainReminder> RegisterOrUpdateReminder(string reminderName, TimeSpan dueTime, TimeSpan period, CancellationToken cancellationToken = default) =>
        Remindable.Runtime.Reminders.RegisterAsync(GrainId, reminderName, Activation.Runtime.TimeProvider.GetUtcNow() + dueTime, period, cancellationToken);

    /// <summary>A durable one-shot reminder (a deadline): it fires once at <paramref name="dueAt"/>, after a restart too.</summary>
    protected Task<IGrainReminder> RegisterOrUpdateReminder(string reminderName, DateTimeOffset dueAt, CancellationToken cancellationToken = default) =>
        Remindable.Runtime.Reminders.RegisterAsync(GrainId, reminderName, dueAt, period: null, cancellationToken);

    protected Task UnregisterReminder(string reminderName, CancellationToken cancellationToken = default) =>
        Activation.Runtime.Reminders.UnregisterAsync(GrainId, reminderName, cancellationToken);

    protected IGrainReminder? GetReminder(string reminderName) =>
        Activation.Runtime.Reminders.Find(GrainId, reminderName);

    private Activation Remindable => this is IRemindable
        ? Activation
        : throw new InvalidOperationException($"{GetType().Name} must implement IRemindable to register reminders.");
}
