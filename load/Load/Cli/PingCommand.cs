using System.Diagnostics;

namespace GroupBuy.Load.Cli;

/// <summary><c>ping</c>: probes <c>/healthz</c> and <c>/readyz</c> and reports their latency percentiles.</summary>
public static class PingCommand
{
    public static async Task<int> RunAsync(Uri server, int count, TextWriter output, CancellationToken cancellationToken)
    {
        if (count is < 1 or > 100_000)
        {
            await output.WriteLineAsync("--count must be from 1 to 100000.");
            return 2;
        }
        using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(5) };
        foreach (var path in new[] { "/healthz", "/readyz" })
        {
            var latencies = new List<double>(count);
            var failures = 0;
            for (var i = 0; i < count; i++)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.GetAsync(path, cancellationToken);
                    if (!response.IsSuccessStatusCode)
                    {
                        failures++;
                    }
                }
                catch (HttpRequestException)
                {
                    failures++;
                }
                catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    failures++;
                }
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            latencies.Sort();
            await output.WriteLineAsync(FormattableString.Invariant(
                $"{path}: {count - failures}/{count} ok, p50 {Percentile(latencies, 0.50):F2} ms, p99 {Percentile(latencies, 0.99):F2} ms, max {latencies[^1]:F2} ms"));
            if (failures > 0)
            {
                return 1;
            }
        }
        return 0;
    }

    private static double Percentile(List<double> sorted, double quantile) =>
        sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(quantile * sorted.Count) - 1)];
}
