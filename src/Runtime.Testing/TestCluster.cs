using System.Reflection;
using GroupBuy.Runtime.Hosting;
using GroupBuy.Runtime.Invocation;
using GroupBuy.Runtime.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GroupBuy.Runtime.Testing;

/// <summary>What a test cluster is made of; the defaults give memory storage and a manual clock.</summary>
public sealed class TestClusterOptions
{
    /// <summary>Assemblies holding the grains and grain interfaces under test.</summary>
    public List<Assembly> GrainAssemblies { get; } = [];

    /// <summary>Runtime settings (timeouts, queue bound, collection ages) for every silo start.</summary>
    public Action<GrainRuntimeOptions>? ConfigureRuntime { get; set; }

    /// <summary>More services, or other storage: registering <see cref="IGrainStorage"/> under "Default" replaces memory storage.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; set; }

    /// <summary>Use the memory storage (kept across restarts); set false when <see cref="ConfigureServices"/> adds a durable one.</summary>
    public bool UseMemoryStorage { get; set; } = true;
}

/// <summary>
/// An in-process silo for tests, like Orleans' TestingHost: a grain factory, a manual clock, storage that
/// survives <see cref="RestartAsync"/>, and a way to deactivate one grain.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly TestClusterOptions _options;
    private IHost? _host;
    /// <summary>The running silo's handle on <see cref="Storage"/>, cut off when it crashes.</summary>
    private MemoryGrainStorage? _siloStorage;

    private TestCluster(TestClusterOptions options) => _options = options;

    public ManualTimeProvider Clock { get; } = new();

    public MemoryGrainStorage Storage { get; } = new();

    public IServiceProvider Services => Host.Services;

    public IGrainFactory GrainFactory => Services.GetRequiredService<IGrainFactory>();

    /// <summary>How many activations the silo holds now.</summary>
    public int ActivationCount => Runtime.Catalog.Count;

    private IHost Host => _host ?? throw new InvalidOperationException("The silo is not running.");

    private GrainRuntime Runtime => Services.GetRequiredService<GrainRuntime>();

    public static async Task<TestCluster> StartAsync(Action<TestClusterOptions> configure, CancellationToken cancellationToken = default)
    {
        var options = new TestClusterOptions();
        configure(options);
        var cluster = new TestCluster(options);
        await cluster.StartSiloAsync(cancellationToken);
        return cluster;
    }

    /// <summary>Stops the silo gracefully (every grain's <c>OnDeactivateAsync</c> runs) and starts a new one on the same storage and clock.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopSiloAsync(cancellationToken);
        await StartSiloAsync(cancellationToken);
    }

    /// <summary>
    /// Drops the silo as a crash would: no grain runs <c>OnDeactivateAsync</c>, timers die, and only what
    /// reached storage remains (a write still under way in the memory storage never lands); then starts a new silo.
    /// </summary>
    public async Task CrashAndRestartAsync(CancellationToken cancellationToken = default)
    {
        var host = Host;
        _host = null;
        _siloStorage?.Crash();
        Clock.DropAllTimers();
        host.Services.GetRequiredService<GrainRuntime>().Abandon();
        await ((IAsyncDisposable)host).DisposeAsync();
        await StartSiloAsync(cancellationToken);
    }

    /// <summary>Stops the silo gracefully; <see cref="StartSiloAsync"/> brings it back (time may be advanced in between).</summary>
    public async Task StopSiloAsync(CancellationToken cancellationToken = default)
    {
        var host = Host;
        _host = null;
        await host.StopAsync(cancellationToken);
        await ((IAsyncDisposable)host).DisposeAsync();
    }

    public async Task StartSiloAsync(CancellationToken cancellationToken = default)
    {
        if (_host is not null)
        {
            throw new InvalidOperationException("The silo is already running.");
        }
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(Clock);
        builder.Services.AddGrainRuntime([.. _options.GrainAssemblies]);
        if (_options.ConfigureRuntime is { } configureRuntime)
        {
            builder.Services.Configure(configureRuntime);
        }
        if (_options.UseMemoryStorage)
        {
            builder.Services.AddMemoryGrainStorage(_siloStorage = Storage.ForSilo());
        }
        _options.ConfigureServices?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        _host = host;
    }

    /// <summary>
    /// Completes when the reminders delivered so far have finished, bookkeeping included. The reminder service re-arms
    /// its timer with a delay measured from a clock reading, so a test must not advance the manual clock while a delivery
    /// is still settling: the re-arm would land as far late as the clock moved.
    /// </summary>
    public Task WhenRemindersDelivered(CancellationToken cancellationToken = default) => Runtime.Reminders.WhenDelivered().WaitAsync(cancellationToken);

    /// <summary>
    /// Moves the clock forward one timer at a time: it stops at each due time, then waits for the reminders that fired
    /// to finish (their grain turns included) before it moves on, so no re-arm is measured from a clock that moves under it.
    /// </summary>
    public async Task AdvanceByStepsAsync(TimeSpan by, CancellationToken cancellationToken = default)
    {
        var target = Clock.GetUtcNow() + by;
        while (true)
        {
            await WhenRemindersDelivered(cancellationToken);
            var now = Clock.GetUtcNow();
            if (Clock.NextDueAt is not { } due || due > target)
            {
                Clock.Advance(target - now);
                await WhenRemindersDelivered(cancellationToken);
                return;
            }
            Clock.Advance(due > now ? due - now : TimeSpan.Zero);
        }
    }

    /// <summary>Deactivates the grain's activation, if it has one, and waits until it is gone.</summary>
    public async Task DeactivateAsync(IGrain grain)
    {
        var activation = Runtime.Catalog.Find(IdOf(grain));
        if (activation is not null)
        {
            activation.RequestDeactivation(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "The test asked."));
            await activation.WhenDeactivated;
        }
    }

    /// <summary>Whether the grain has an activation in the silo now.</summary>
    public bool IsActive(IGrain grain) => Runtime.Catalog.Find(IdOf(grain)) is { IsDefunct: false };

    /// <summary>Completes when the grain's current activation, if any, has gone (idle collection, DeactivateOnIdle).</summary>
    public Task WhenDeactivated(IGrain grain) => Runtime.Catalog.Find(IdOf(grain))?.WhenDeactivated ?? Task.CompletedTask;

    public static GrainId IdOf(IGrain grain) =>
        grain is GrainReference reference ? reference.GrainId : throw new ArgumentException("Not a grain reference.", nameof(grain));

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await StopSiloAsync();
        }
    }
}
