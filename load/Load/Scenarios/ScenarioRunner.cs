using GroupBuy.Load.Client;
using GroupBuy.Load.Invariants;
using GroupBuy.Load.Reports;
using Spectre.Console;
using Recorder = GroupBuy.Load.Metrics.Recorder;

namespace GroupBuy.Load.Scenarios;

/// <summary>What a run leaves: its result, where the reports are, and the exit code (1 when an invariant broke).</summary>
public sealed record RunOutcome(RunResult Result, string JsonPath, string HtmlPath)
{
    public int ExitCode => Result.InvariantsHeld ? 0 : 1;
}

/// <summary>
/// Runs one scenario end to end: seed through the API, drive the users for at most the duration with a live display,
/// close the hub connections, check the invariants against the server, and write the console, JSON and HTML reports.
/// </summary>
public static class ScenarioRunner
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromMinutes(5);

    public static async Task<RunOutcome> RunAsync(string scenarioName, RunOptions options, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var clock = TimeProvider.System;
        var recorder = new Recorder();
        using var http = new LoadHttp(options.Server, recorder, options.HttpConnections);
        var notes = new List<string>();
        IScenario scenario;
        if (scenarioName == "day")
        {
            var withChat = await HasGroupChatsAsync(http, cancellationToken);
            if (!withChat)
            {
                notes.Add("the server has no group chats (POST /api/groups is not found): the day ran without its chat part");
            }
            options = DayScenario.Adjust(options);
            scenario = new DayScenario(options.Shoppers, withChat);
        }
        else
        {
            scenario = Create(scenarioName, options);
        }

        var startedAt = clock.GetUtcNow();
        ScenarioContext context;
        TimeSpan seeding, running;
        await using (var hubs = new HubPool(options.Server, recorder, clock, options.ConnectConcurrency))
        {
            context = new ScenarioContext(options, http, hubs, recorder, clock);
            var seedStarted = clock.GetTimestamp();
            await scenario.SeedAsync(context, cancellationToken);
            seeding = clock.GetElapsedTime(seedStarted);
            if (!options.Quiet)
            {
                console.MarkupLine($"seeded in {seeding.TotalSeconds:F1} s; running [bold]{Markup.Escape(scenario.Name)}[/] for at most {Durations.Format(options.Duration)}");
            }

            using var timeUp = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeUp.CancelAfter(options.Duration);
            var runStarted = clock.GetTimestamp();
            var run = scenario.RunAsync(context, timeUp.Token);
            if (!options.Quiet)
            {
                await LiveProgress.ShowWhileAsync(console, recorder, scenario.Name, run, clock);
            }
            await SwallowTimeUp(run, timeUp.Token);
            running = clock.GetElapsedTime(runStarted);
        }
        cancellationToken.ThrowIfCancellationRequested();

        using var checkTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        checkTimeout.CancelAfter(CheckTimeout);
        var invariants = await InvariantChecker.CheckAsync(http, context.Ledger, checkTimeout.Token);
        var result = RunResultBuilder.Build(scenario.Name, options, startedAt, seeding, running, recorder, invariants, notes);

        Directory.CreateDirectory(options.OutputDirectory);
        var stem = Path.Combine(options.OutputDirectory, $"{scenario.Name}-{options.RunId}");
        var (json, html) = (Path.GetFullPath(stem + ".json"), Path.GetFullPath(stem + ".html"));
        await JsonReport.WriteAsync(result, json, cancellationToken);
        await HtmlReport.WriteAsync(result, html, cancellationToken);
        ConsoleReport.Write(console, result, [json, html]);
        return new RunOutcome(result, json, html);
    }

    public static IScenario Create(string name, RunOptions options) => name switch
    {
        "flash-sale" => new FlashSaleScenario(options.Shoppers),
        "group-buy" => new GroupBuyScenario(options.Shoppers),
        "watchers" => new WatchersScenario(),
        "chat" => new ChatStormScenario(),
        _ => throw new ArgumentException($"unknown scenario '{name}'", nameof(name)),
    };

    /// <summary>The group-chat routes answer 401 to an anonymous caller when they exist, 404 when they do not.</summary>
    private static async Task<bool> HasGroupChatsAsync(LoadHttp http, CancellationToken cancellationToken)
    {
        var probe = await http.PostAsync("check: probe chats", "/api/groups", null, new { name = "probe" }, cancellationToken);
        return probe.Status != System.Net.HttpStatusCode.NotFound;
    }

    private static async Task SwallowTimeUp(Task run, CancellationToken timeUp)
    {
        try
        {
            await run;
        }
        catch (OperationCanceledException) when (timeUp.IsCancellationRequested)
        {
            // The duration ended the run.
        }
    }
}
