using GroupBuy.Grains.Interfaces;
using GroupBuy.Runtime;
using GroupBuy.Runtime.Testing;
using GroupBuy.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBuy.Grains.Tests.Walks;

/// <summary>
/// A seeded random walk against a durable silo (SQLite or PostgreSQL), compared with a plain model after every step. Every draw comes from one <see cref="System.Random"/> seeded by the walk's seed, and every step is logged,
/// so a failure names the seed and the store to run again and prints the steps that led to it.
/// </summary>
internal abstract class ModelWalk(int seed, Store store, PostgresFixture postgres) : IAsyncDisposable
{
    private readonly TempDirectory _folder = new();
    private readonly List<string> _log = [];
    private TestCluster? _silo;

    /// <summary>The step under way: 0 while the walk sets up, one past the last while it finishes.</summary>
    public int Step { get; private set; }

    /// <summary>What a failure prints: the steps so far (a walk with more to show adds it).</summary>
    public virtual string Report => string.Join(Environment.NewLine, _log);

    protected int Seed => seed;

    protected Random Random { get; } = new(seed);

    protected TestCluster Silo => _silo ?? throw new InvalidOperationException("The walk has not started.");

    /// <summary>The silo's clock when the walk began.</summary>
    protected DateTimeOffset Start { get; private set; }

    /// <summary>The walk's time: the silo's clock, unless the walk's model keeps the time itself.</summary>
    protected virtual DateTimeOffset Now => Silo.Clock.GetUtcNow();

    /// <summary>The time a log line shows: minutes since the start, which read well on a grid of half minutes.</summary>
    protected virtual string Timestamp => At(Now);

    protected static CancellationToken Token => CommerceSilo.Token;

    /// <summary>
    /// Starts the silo, sets the walk up, takes <paramref name="steps"/> steps and finishes; any failure is rethrown
    /// naming the seed and the step, with the <see cref="Report"/>.
    /// </summary>
    public async Task RunAsync(int steps)
    {
        try
        {
            _silo = await CommerceSilo.StartAsync(store, _folder, postgres, ConfigureServices);
            Start = _silo.Clock.GetUtcNow();
            await SetUpAsync();
            for (Step = 1; Step <= steps; Step++)
            {
                await StepAsync();
            }
            await FinishAsync();
        }
        catch (Exception exception)
        {
            throw new Xunit.Sdk.XunitException(
                $"Seed {seed} on {store} failed at step {Step}: {exception.Message}{Environment.NewLine}{Report}", exception);
        }
    }

    /// <summary>Services of the walk's own (a gateway it controls, runtime options); called at every start of the silo.</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    protected abstract Task SetUpAsync();

    /// <summary>One random command and the checks after it.</summary>
    protected abstract Task StepAsync();

    /// <summary>The checks at the end of the walk.</summary>
    protected abstract Task FinishAsync();

    protected void Note(string line) => _log.Add($"#{Step} {Timestamp} {line}");

    protected string At(DateTimeOffset time) => $"t+{(time - Start).TotalMinutes:0.#}m";

    protected T Pick<T>(IReadOnlyList<T> items) => items[Random.Next(items.Count)];

    protected static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new ModelMismatchException(message);
        }
    }

    protected static string Describe<T>(Result<T> result) => result.IsSuccess ? $"{result.Value}" : result.Error!.Code;

    /// <summary>Stops the silo, moves the clock while it is down (what falls due meanwhile is overdue at the start), and starts it again.</summary>
    protected async Task RestartAfterAsync(TimeSpan downtime)
    {
        await Silo.StopSiloAsync(Token);
        Silo.Clock.Advance(downtime);
        await Silo.StartSiloAsync(Token);
    }

    /// <summary>
    /// A restart of three kinds, drawn: a crash (when <paramref name="mayCrash"/>), a stop while
    /// <paramref name="crossWhileDown"/> moves the clock to the next instant (when that is near), or a graceful restart.
    /// </summary>
    protected async Task RestartOneOfThreeWaysAsync(bool mayCrash, DateTimeOffset? nextInstant, Func<DateTimeOffset, Task> crossWhileDown)
    {
        switch (Random.Next(3))
        {
            case 0 when mayCrash:
                Note("crash and restart");
                await Silo.CrashAndRestartAsync(Token);
                break;
            case 1 when nextInstant is { } next && next - Now <= TimeSpan.FromMinutes(20):
                Note($"stop, advance {next - Now}, start");
                await crossWhileDown(next);
                break;
            default:
                Note("restart");
                await Silo.RestartAsync(Token);
                break;
        }
    }

    /// <summary>Re-reads until <paramref name="done"/>, waking on each live event of the topic; bounded, never a sleep.</summary>
    protected async Task WaitUntilAsync(string topic, Func<Task<bool>> done, string what)
    {
        using var changed = new SemaphoreSlim(0);
        using var subscription = Silo.Services.GetRequiredService<ILiveTopics>().Subscribe(topic, (_, _) => changed.Release());
        while (!await done())
        {
            if (!await changed.WaitAsync(TimeSpan.FromSeconds(10), Token))
            {
                throw new TimeoutException($"Waited in vain for {what}.");
            }
        }
    }

    /// <summary>Starts the calls at once and crashes the silo once a random number of them answered; null for those cut off.</summary>
    protected async Task<List<Result<T>?>> CrashAfterSomeAsync<T>(List<Func<Task<Result<T>>>> calls)
    {
        var crashAfter = Random.Next(0, calls.Count);
        var answered = 0;
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (crashAfter == 0)
        {
            enough.SetResult();
        }
        var running = calls.Select(call => Task.Run(async () =>
        {
            try
            {
                return await call();
            }
            finally
            {
                if (Interlocked.Increment(ref answered) == crashAfter)
                {
                    enough.TrySetResult();
                }
            }
        }, Token)).ToList();
        await enough.Task.WaitAsync(Token);
        await Silo.CrashAndRestartAsync(Token);
        try
        {
            await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(30), Token);
        }
        catch (Exception exception) when (exception is not TimeoutException)
        {
            // Calls in flight at the crash fail: they were never acknowledged.
        }
        await Silo.AdvanceByStepsAsync(TimeSpan.Zero, Token);
        return [.. running.Select(r => r.IsCompletedSuccessfully ? r.Result : null)];
    }

    public async ValueTask DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
        _folder.Dispose();
    }
}

/// <summary>The grain and the model disagree.</summary>
internal sealed class ModelMismatchException(string message) : Exception(message);
