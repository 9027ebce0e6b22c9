using System.Globalization;
using Spectre.Console;
using Recorder = GroupBuy.Load.Metrics.Recorder;

namespace GroupBuy.Load.Reports;

/// <summary>
/// The live display while a run goes: requests and their rate, errors, hub connections and push latency, each
/// second. On a terminal it redraws one table in place; otherwise it prints a line every five seconds.
/// </summary>
public static class LiveProgress
{
    public static async Task ShowWhileAsync(IAnsiConsole console, Recorder recorder, string title, Task running, TimeProvider clock)
    {
        if (console.Profile.Capabilities.Interactive)
        {
            var table = new Table().AddColumns(Columns).Title(Markup.Escape(title));
            await console.Live(table).StartAsync(async live =>
            {
                var last = 0L;
                while (!running.IsCompleted)
                {
                    await Task.WhenAny(running, Task.Delay(TimeSpan.FromSeconds(1), clock));
                    var requests = recorder.Requests;
                    table.Rows.Clear();
                    table.AddRow(Cells(recorder, requests, requests - last));
                    last = requests;
                    live.Refresh();
                }
            });
            return;
        }
        var (previous, since) = (0L, recorder.Elapsed);
        while (!running.IsCompleted)
        {
            await Task.WhenAny(running, Task.Delay(TimeSpan.FromSeconds(5), clock));
            var (requests, now) = (recorder.Requests, recorder.Elapsed);
            var rate = now > since ? (long)((requests - previous) / (now - since).TotalSeconds) : 0;
            // Each figure after its name, so a log read later needs no header.
            console.WriteLine(string.Join("  ", Columns.Zip(Cells(recorder, requests, rate), (name, cell) => $"{name} {cell}")));
            (previous, since) = (requests, now);
        }
    }

    private static readonly string[] Columns = ["elapsed", "requests", "req/s", "errors", "hub connections", "pushes", "push p99 ms"];

    private static string[] Cells(Recorder recorder, long requests, long rate) =>
    [
        recorder.Elapsed.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture) + " s",
        requests.ToString(CultureInfo.InvariantCulture),
        rate.ToString(CultureInfo.InvariantCulture),
        recorder.ErrorCount.ToString(CultureInfo.InvariantCulture),
        recorder.Connections.ToString(CultureInfo.InvariantCulture),
        recorder.PushLatency.Count.ToString(CultureInfo.InvariantCulture),
        (recorder.PushLatency.Percentile(99) / 1000.0).ToString("F1", CultureInfo.InvariantCulture),
    ];
}
