using System.Globalization;
using Spectre.Console;

namespace GroupBuy.Load.Reports;

/// <summary>The end-of-run summary on the console: figures per operation, errors by code, the hub, the invariants.</summary>
public static class ConsoleReport
{
    public static void Write(IAnsiConsole console, RunResult result, IEnumerable<string> files)
    {
        console.Write(new Rule($"[bold]{Markup.Escape(result.Scenario)}[/] against {Markup.Escape(result.Server)}").LeftJustified());
        console.MarkupLine(Invariant(
            $"seeding {result.SeedSeconds:F1} s, run {result.RunSeconds:F1} s: [bold]{result.Requests}[/] requests, {result.RequestsPerSecond:F1}/s, {result.Errors} refused or failed"));

        var table = new Table().AddColumns("operation", "ok", "refused/failed", "ok/s", "p50 ms", "p90 ms", "p99 ms", "max ms");
        foreach (var o in result.Operations)
        {
            table.AddRow(Markup.Escape(o.Name), N(o.Ok), N(o.Failed), F(o.OkPerSecond), F(o.Latency.P50), F(o.Latency.P90), F(o.Latency.P99), F(o.Latency.Max));
        }
        console.Write(table);

        if (result.ErrorsByCode.Count > 0)
        {
            var errors = new Table().AddColumns("operation: code", "count");
            foreach (var (code, count) in result.ErrorsByCode)
            {
                errors.AddRow(Markup.Escape(code), N(count));
            }
            console.Write(errors);
        }

        var hub = result.Hub;
        if (hub.Connections + hub.ConnectFailures > 0)
        {
            console.MarkupLine(Invariant(
                $"hub: {hub.Connections} connections ({hub.ConnectFailures} failed, {hub.Disconnects} dropped), connect p50 {hub.Connect.P50:F1} ms, p99 {hub.Connect.P99:F1} ms"));
            console.MarkupLine(Invariant(
                $"pushes: {hub.Push.Count}, latency from serverTime p50 {hub.Push.P50:F1} ms, p90 {hub.Push.P90:F1} ms, p99 {hub.Push.P99:F1} ms, max {hub.Push.Max:F1} ms"));
        }
        foreach (var note in result.Notes)
        {
            console.MarkupLine($"[yellow]note:[/] {Markup.Escape(note)}");
        }
        // The verdict and the invariant on one line, what was read back on the next: each fits a log's width unwrapped.
        foreach (var invariant in result.Invariants)
        {
            console.MarkupLine(invariant.Held
                ? $"[green]held[/]   {Markup.Escape(invariant.Name)}"
                : $"[red bold]BROKEN[/] {Markup.Escape(invariant.Name)}");
            console.MarkupLine($"       {Markup.Escape(invariant.Detail)}");
        }
        foreach (var file in files)
        {
            console.MarkupLine($"report: {Markup.Escape(file)}");
        }
    }

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string F(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
