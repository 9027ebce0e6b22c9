using System.Globalization;
using System.Net;
using System.Text;

namespace GroupBuy.Load.Reports;

/// <summary>
/// A self-contained HTML report: settings, invariants, the figures table and three inline SVG charts (throughput
/// over time, latency percentiles per operation, the push-latency distribution). Opens from disk, nothing to fetch.
/// </summary>
public static class HtmlReport
{
    public static async Task WriteAsync(RunResult result, string path, CancellationToken cancellationToken)
    {
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
            .Append(E($"GroupBuy load: {result.Scenario}"))
            .Append("</title><style>body{font-family:sans-serif;margin:2em;max-width:900px}table{border-collapse:collapse;margin:1em 0}")
            .Append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}")
            .Append(".held{color:#16a34a}.broken{color:#dc2626;font-weight:bold}</style></head><body>");
        html.Append(CultureInfo.InvariantCulture,
            $"<h1>{E(result.Scenario)} against {E(result.Server)}</h1><p>Started {result.StartedAt:u}; seeding {result.SeedSeconds:F1} s, run {result.RunSeconds:F1} s; "
            + $"{result.Requests} requests ({result.RequestsPerSecond:F1}/s), {result.Errors} refused or failed.</p>");
        html.Append("<h2>Invariants</h2><ul>");
        foreach (var invariant in result.Invariants)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<li class=\"{(invariant.Held ? "held" : "broken")}\">{(invariant.Held ? "held" : "BROKEN")}: {E(invariant.Name)} — {E(invariant.Detail)}</li>");
        }
        html.Append("</ul>");
        foreach (var note in result.Notes)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p><em>{E(note)}</em></p>");
        }

        html.Append("<h2>Throughput over time (successful requests per second)</h2>");
        var series = new List<(string, IReadOnlyList<long>)> { ("all", result.OkPerSecond) };
        series.AddRange(result.Operations.OrderByDescending(o => o.Ok).Take(5).Select(o => (o.Name, o.OkPerSecondOverTime)));
        html.Append(Svg.Lines(series, "requests/s"));

        html.Append("<h2>Latency percentiles (ms)</h2>");
        html.Append(Svg.Bars([.. result.Operations.Select(o => (o.Name, (IReadOnlyList<double>)[o.Latency.P50, o.Latency.P90, o.Latency.P99]))], ["p50", "p90", "p99"], "ms"));
        html.Append("<table><tr><th>operation</th><th>ok</th><th>refused/failed</th><th>ok/s</th><th>p50</th><th>p90</th><th>p99</th><th>max (ms)</th></tr>");
        foreach (var o in result.Operations)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{E(o.Name)}</td><td>{o.Ok}</td><td>{o.Failed}</td><td>{o.OkPerSecond:F1}</td><td>{o.Latency.P50:F2}</td><td>{o.Latency.P90:F2}</td><td>{o.Latency.P99:F2}</td><td>{o.Latency.Max:F2}</td></tr>");
        }
        html.Append("</table>");

        html.Append("<h2>Errors by code</h2><table><tr><th>operation: code</th><th>count</th></tr>");
        foreach (var (code, count) in result.ErrorsByCode)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(code)}</td><td>{count}</td></tr>");
        }
        html.Append("</table>");

        var hub = result.Hub;
        html.Append(CultureInfo.InvariantCulture,
            $"<h2>Live hub</h2><p>{hub.Connections} connections ({hub.ConnectFailures} failed, {hub.Disconnects} dropped); connect + handshake p50 {hub.Connect.P50:F1} ms, p99 {hub.Connect.P99:F1} ms, max {hub.Connect.Max:F1} ms.<br>"
            + $"{hub.Push.Count} pushes; latency from the server's time p50 {hub.Push.P50:F1} ms, p90 {hub.Push.P90:F1} ms, p99 {hub.Push.P99:F1} ms, max {hub.Push.Max:F1} ms.</p>");
        html.Append("<h3>Push-latency distribution</h3>");
        html.Append(Svg.Bars([.. hub.PushDistribution.Where(b => b.Count > 0).Select(b => (Range(b), (IReadOnlyList<double>)[b.Count]))], ["pushes"], "pushes"));
        html.Append("<h3>Pushes per second</h3>").Append(Svg.Lines([("pushes", hub.PushesPerSecond)], "pushes/s"));

        html.Append("<h2>Settings</h2><table>");
        foreach (var (key, value) in result.Settings)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(key)}</td><td>{E(value)}</td></tr>");
        }
        html.Append("</table></body></html>");
        await File.WriteAllTextAsync(path, html.ToString(), cancellationToken);
    }

    private static string Range(HistogramBucket bucket) =>
        double.IsPositiveInfinity(bucket.ToMs)
            ? string.Create(CultureInfo.InvariantCulture, $"≥ {bucket.FromMs:0} ms")
            : string.Create(CultureInfo.InvariantCulture, $"{bucket.FromMs:0}–{bucket.ToMs:0} ms");

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
