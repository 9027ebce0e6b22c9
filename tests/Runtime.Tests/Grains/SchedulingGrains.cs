namespace GroupBuy.Runtime.Tests.Grains;

public interface ITurnGrain : IGrainWithStringKey
{
    /// <summary>Reads a field, awaits, writes it back: exact only if turns never overlap.</summary>
    Task<int> Increment();

    Task<int> Count();

    /// <summary>Records start, waits for the gate, records end.</summary>
    Task Hold(string name);

    /// <summary>Keeps its turn on the thread that runs it, without an await, until the gate opens: busy, not waiting.</summary>
    Task HoldTurn(string name);

    [ReadOnly]
    Task HoldReading(string name);

    [AlwaysInterleave]
    Task<string> Ping(string name);

    /// <summary>Calls itself through a reference: a cycle on a non-reentrant grain.</summary>
    Task<int> CallSelf();

    /// <summary>Whether each continuation came back on this activation's context.</summary>
    Task<bool> ContinuationsStayOnTheActivation();

    /// <summary>Asks to be deactivated once idle: until then the activation admits no new call.</summary>
    Task Leave();
}

public interface IReentrantTurnGrain : ITurnGrain;

public class TurnGrainBase(Probe probe) : Grain
{
    private int _count;

    protected Probe Probe => probe;

    public async Task<int> Increment()
    {
        probe.Enter();
        var read = _count;
        await Task.Yield();
        _count = read + 1;
        probe.Leave();
        return _count;
    }

    public Task<int> Count() => Task.FromResult(_count);

    public async Task Hold(string name)
    {
        probe.Record($"{name}:start");
        await probe.Gate(name);
        probe.Record($"{name}:end");
    }

    public Task HoldTurn(string name)
    {
        probe.Record($"{name}:start");
        probe.Signal($"{name}:holding");
        probe.Gate(name).Wait();
        probe.Record($"{name}:end");
        return Task.CompletedTask;
    }

    public Task HoldReading(string name) => Hold(name);

    public Task Leave()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task<string> Ping(string name)
    {
        probe.Record($"{name}:ping");
        return Task.FromResult(name);
    }

    public async Task<bool> ContinuationsStayOnTheActivation()
    {
        var context = SynchronizationContext.Current;
        var stayed = context is not null;
        for (var i = 0; i < 20; i++)
        {
            // Completes on a pool thread; the continuation must still come back here.
            await Task.Run(() => { });
            stayed &= ReferenceEquals(SynchronizationContext.Current, context);
        }
        return stayed;
    }
}

public sealed class TurnGrain(Probe probe) : TurnGrainBase(probe), ITurnGrain
{
    public Task<int> CallSelf() => GrainFactory.GetGrain<ITurnGrain>(GetPrimaryKeyString()).Increment();
}

[Reentrant]
public sealed class ReentrantTurnGrain(Probe probe) : TurnGrainBase(probe), IReentrantTurnGrain
{
    public Task<int> CallSelf() => GrainFactory.GetGrain<IReentrantTurnGrain>(GetPrimaryKeyString()).Count();
}
