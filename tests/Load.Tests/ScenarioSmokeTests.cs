using System.Text.Json;
using GroupBuy.Load.Scenarios;
using Spectre.Console;

namespace GroupBuy.Load.Tests;

/// <summary>
/// Each scenario, small and short, against a real server: it seeds, drives, checks the invariants and writes the
/// console, JSON and HTML reports. No timing is asserted: only that the run did what a run does and the invariants held.
/// </summary>
public sealed class ScenarioSmokeTests(LoadServer server) : IClassFixture<LoadServer>
{
    /// <summary>Small runs; flash-sale and group-buy end as soon as their shoppers are done, the others last their duration.</summary>
    private RunOptions Options(string runId, int seconds) => new()
    {
        Server = server.Address,
        RunId = runId,
        Shoppers = 24,
        Duration = TimeSpan.FromSeconds(seconds),
        Watchers = 30,
        Topics = 2,
        Rate = 10,
        ConnectConcurrency = 8,
        OutputDirectory = server.Reports,
        Quiet = true,
    };

    [Fact]
    public async Task A_flash_sale_rush_sells_out_without_overselling_and_reports_it()
    {
        var (outcome, console) = await RunAsync("flash-sale", Options("smokefs", 30));

        var sale = Assert.Single(outcome.Result.Invariants, i => i.Name.StartsWith("flash sale", StringComparison.Ordinal));
        Assert.Contains("remaining 0", sale.Detail, StringComparison.Ordinal);
        Assert.Contains(outcome.Result.ErrorsByCode, e => e.Key == "purchase: sold_out");
        Assert.Equal(12, outcome.Result.Operations.Single(o => o.Name == "purchase").Ok);
        Assert.Contains("held", console, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_group_buy_fills_teams_that_members_watch_live()
    {
        var (outcome, _) = await RunAsync("group-buy", Options("smokegb", 8));

        Assert.Contains(outcome.Result.Invariants, i => i.Name == "no team over its seats");
        Assert.Equal(24, outcome.Result.Hub.Connections);
        Assert.True(outcome.Result.Hub.Push.Count > 0, "members saw their teams change");
    }

    [Fact]
    public async Task Watchers_receive_every_join_with_its_push_latency()
    {
        var (outcome, _) = await RunAsync("watchers", Options("smokew", 4));

        Assert.True(outcome.Result.Hub.Connections > 0);
        Assert.True(outcome.Result.Operations.Single(o => o.Name == "join team").Ok > 0);
        Assert.True(outcome.Result.Hub.PushDistribution.Sum(b => b.Count) > 0);
    }

    [Fact]
    public async Task A_chat_storm_keeps_every_group_numbered_without_gaps_and_pushes_to_members()
    {
        var (outcome, _) = await RunAsync("chat", Options("smokechat", 4) with { Groups = 2, MembersPerGroup = 4 });

        Assert.Equal(2, outcome.Result.Invariants.Count(i => i.Name.StartsWith("group ", StringComparison.Ordinal) && i.Name.Contains("without gaps", StringComparison.Ordinal)));
        Assert.True(outcome.Result.Operations.Single(o => o.Name == "post message").Ok > 0);
        Assert.Equal(8, outcome.Result.Hub.Connections);
        Assert.True(outcome.Result.Hub.Push.Count > 0, "members saw the messages live");
    }

    [Fact]
    public async Task A_day_in_a_community_runs_its_parts_together()
    {
        var (outcome, _) = await RunAsync("day", Options("smokeday", 5) with { Ramp = Ramp.Parse("linear:1s"), Groups = 2, MembersPerGroup = 4 });

        Assert.Contains(outcome.Result.Invariants, i => i.Name.StartsWith("flash sale", StringComparison.Ordinal));
        Assert.Equal(2, outcome.Result.Invariants.Count(i => i.Name.StartsWith("group buy", StringComparison.Ordinal)));
        Assert.Contains(outcome.Result.Invariants, i => i.Name.Contains("without gaps", StringComparison.Ordinal));
        Assert.DoesNotContain(outcome.Result.Notes, n => n.Contains("no group chats", StringComparison.Ordinal));
    }

    private static async Task<(RunOutcome Outcome, string Console)> RunAsync(string scenario, RunOptions options)
    {
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(text), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });

        var outcome = await ScenarioRunner.RunAsync(scenario, options, console, TestContext.Current.CancellationToken);

        Assert.NotEmpty(outcome.Result.Invariants);
        Assert.All(outcome.Result.Invariants, i => Assert.True(i.Held, $"{i.Name}: {i.Detail}"));
        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains(outcome.Result.Invariants, i => i.Name == "every acknowledged purchase has its order");
        using (var json = JsonDocument.Parse(await File.ReadAllTextAsync(outcome.JsonPath, TestContext.Current.CancellationToken)))
        {
            Assert.Equal(outcome.Result.Scenario, json.RootElement.GetProperty("scenario").GetString());
            Assert.True(json.RootElement.GetProperty("requests").GetInt64() > 0);
        }
        var html = await File.ReadAllTextAsync(outcome.HtmlPath, TestContext.Current.CancellationToken);
        Assert.Equal(3, CountOf(html, "<h2>Throughput", "<h2>Latency percentiles", "<h3>Push-latency distribution"));
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        return (outcome, text.ToString());
    }

    private static int CountOf(string text, params string[] parts) => parts.Count(p => text.Contains(p, StringComparison.Ordinal));
}
