using System.Diagnostics;
using GroupBuy.Load.Client;
using GroupBuy.Load.Metrics;
using GroupBuy.Load.Reports;

namespace GroupBuy.Load.Bench;

/// <summary>What one closed-loop run measured.</summary>
public sealed record LoopResult(string Label, long Ok, long Failed, double Seconds, Latency Latency, double ServerCores, IReadOnlyDictionary<string, long> Errors)
{
    /// <summary>Cores this load tool used during the run: it shares the machine with the server.</summary>
    public double ToolCores { get; init; } = double.NaN;

    /// <summary>Share of the machine's CPU time the hypervisor gave to other guests during the run (NaN: unknown).</summary>
    public double Steal { get; init; } = double.NaN;

    /// <summary>A share as a table shows it: "12 %", or "?" when unknown.</summary>
    public static string Percent(double share) =>
        double.IsNaN(share) ? "?" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{share * 100:F0} %");

    public double OkPerSecond => Ok / Seconds;

    /// <summary>Server CPU per successful request, µs: steadier than requests/s on a shared machine.</summary>
    public double CpuMicrosPerRequest => Ok == 0 ? double.NaN : ServerCores * 1e6 / OkPerSecond;
}

/// <summary>
/// A closed loop: <c>connections</c> workers, each on its own pooled connection, sending one request after another
/// for a fixed time. Every run of a benchmark uses the same loop, so a ratio compares only what the server does. A
/// request may be several calls (join, then pay): <c>counted</c> names the operation whose successes are the figure,
/// and failures of any count.
/// </summary>
public static class ClosedLoop
{
    public static async Task<LoopResult> RunAsync(
        string label, ServerProcess server, int connections, TimeSpan duration,
        Func<LoadHttp, int, long, CancellationToken, Task<ApiResult>> request, CancellationToken cancellationToken, string? counted = null)
    {
        var recorder = new Recorder();
        using var http = new LoadHttp(server.Address, recorder, connections);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var cpu = server.CpuTime();
        var tool = Environment.CpuUsage.TotalTime;
        var host = ProcFs.HostTicks();
        var clock = Stopwatch.StartNew();
        stop.CancelAfter(duration);
        var workers = Enumerable.Range(0, connections).Select(async worker =>
        {
            await Task.Yield();
            for (long n = 0; !stop.IsCancellationRequested; n++)
            {
                try
                {
                    await request(http, worker, n, stop.Token);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    // Time is up: a request cut short is not counted.
                }
            }
        });
        await Task.WhenAll(workers);
        var seconds = clock.Elapsed.TotalSeconds;
        var cores = (server.CpuTime() - cpu).TotalSeconds / seconds;
        var toolCores = (Environment.CpuUsage.TotalTime - tool).TotalSeconds / seconds;
        var steal = ProcFs.StealShare(host, ProcFs.HostTicks());
        var operations = recorder.Operations.ToList();
        var stats = operations.FirstOrDefault(o => counted is null || o.Name == counted) ?? new OperationStats(label);
        return new LoopResult(label, stats.Ok, operations.Sum(o => o.Failed), seconds, Latency.Of(stats.Latency), cores, recorder.Errors.ToDictionary())
        {
            Steal = steal,
            ToolCores = toolCores,
        };
    }
}
