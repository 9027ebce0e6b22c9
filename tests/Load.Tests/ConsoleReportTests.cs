using GroupBuy.Load.Invariants;
using GroupBuy.Load.Reports;
using Spectre.Console;

namespace GroupBuy.Load.Tests;

/// <summary>The end-of-run summary written to a log: every line whole, so that a line can be found by what it starts with.</summary>
public sealed class ConsoleReportTests
{
    [Fact]
    public void Off_a_terminal_no_line_is_wrapped_and_each_invariant_starts_its_own_line()
    {
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(text), Ansi = AnsiSupport.No, Interactive = InteractionSupport.No });
        console.Profile.Width = Cli.LoadConsole.RedirectedWidth;
        var latency = new Latency(20_000, 2.0, 16.1, 147.5, 164.1, 4.2);
        var sale = "flash sale 1cfbf6efd18449b7815778bd5cac4b6d: sold + reserved ≤ quantity, every live order counted";
        var result = new RunResult(
            "day", "http://127.0.0.1:5000/", DateTimeOffset.UnixEpoch, 1.1, 20, new Dictionary<string, string>(), 5091, 411, 254.6,
            [new OperationResult("purchase", 400, 400, 20, latency, [])], new Dictionary<string, long> { ["purchase: sold_out"] = 400 }, [],
            new HubResult(20_000, 0, 0, latency, latency, [], []),
            [
                new InvariantResult(sale, true, "quantity 400, sold 360, reserved 40, remaining 0; acknowledged and not cancelled 400, read back by their owners one by one"),
                new InvariantResult("no team over its seats", false, "team 5f0c over by one: 4 members in 3 seats"),
            ],
            []);

        ConsoleReport.Write(console, result, ["load-results/day-1.json"]);

        // Each line asserted whole: one wrapped at the log's width would be split in two.
        var lines = text.ToString().Split('\n').Select(line => line.TrimEnd('\r', ' ')).ToList();
        Assert.Contains("hub: 20000 connections (0 failed, 0 dropped), connect p50 2.0 ms, p99 147.5 ms", lines);
        Assert.Contains("pushes: 20000, latency from serverTime p50 2.0 ms, p90 16.1 ms, p99 147.5 ms, max 164.1 ms", lines);
        var held = lines.IndexOf($"held   {sale}");
        Assert.True(held >= 0, text.ToString());
        Assert.Equal("       quantity 400, sold 360, reserved 40, remaining 0; acknowledged and not cancelled 400, read back by their owners one by one", lines[held + 1]);
        Assert.Contains("BROKEN no team over its seats", lines);
    }
}
