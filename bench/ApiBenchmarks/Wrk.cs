using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace GroupBuy.ApiBenchmarks;

/// <summary>What one wrk run reported.</summary>
public sealed record WrkResult(
    string Label, long Requests, double Seconds, double RequestsPerSecond, long Non2xx, long SocketErrors,
    string LatencyP50, string LatencyP99, string LatencyMax, string Output)
{
    /// <summary>Responses with a 2xx status (wrk counts non-2xx/3xx apart; no route here answers 3xx).</summary>
    public long Succeeded => Requests - Non2xx;

    public bool Clean => Non2xx == 0 && SocketErrors == 0;
}

/// <summary>Runs wrk with the P4 Lua script and reads its report.</summary>
public static partial class Wrk
{
    public static async Task<WrkResult> RunAsync(
        string label, Uri url, string script, int threads, int connections, int seconds, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("wrk")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "-t", threads.ToString(CultureInfo.InvariantCulture),
            "-c", connections.ToString(CultureInfo.InvariantCulture),
            "-d", $"{seconds.ToString(CultureInfo.InvariantCulture)}s",
            "--timeout", "5s",
            "--latency",
            "-s", script,
            url.ToString(),
        })
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start wrk");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(seconds + 60));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"wrk ({label}) did not finish in time");
        }
        var text = await output + await errors;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"wrk ({label}) exited with {process.ExitCode}: {text}");
        }
        return Parse(label, text);
    }

    public static WrkResult Parse(string label, string text)
    {
        var summary = SummaryLine().Match(text);
        var rate = RateLine().Match(text);
        if (!summary.Success || !rate.Success)
        {
            throw new InvalidOperationException($"wrk ({label}) printed no summary: {text}");
        }
        var non2xx = Non2xxLine().Match(text);
        var socket = SocketErrorsLine().Match(text);
        long socketErrors = 0;
        if (socket.Success)
        {
            for (var g = 1; g <= 4; g++)
            {
                socketErrors += long.Parse(socket.Groups[g].Value, CultureInfo.InvariantCulture);
            }
        }
        var latency = LatencyLine().Match(text);
        return new WrkResult(
            label,
            long.Parse(summary.Groups[1].Value, CultureInfo.InvariantCulture),
            Seconds(summary.Groups[2].Value, summary.Groups[3].Value),
            double.Parse(rate.Groups[1].Value, CultureInfo.InvariantCulture),
            non2xx.Success ? long.Parse(non2xx.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
            socketErrors,
            Percentile(text, "50%"),
            Percentile(text, "99%"),
            latency.Success ? latency.Groups[1].Value : "?",
            text);
    }

    private static double Seconds(string value, string unit)
    {
        var number = double.Parse(value, CultureInfo.InvariantCulture);
        return unit switch
        {
            "ms" => number / 1000,
            "m" => number * 60,
            "h" => number * 3600,
            _ => number,
        };
    }

    private static string Percentile(string text, string which)
    {
        var match = Regex.Match(text, $@"^\s+{Regex.Escape(which)}\s+(\S+)", RegexOptions.Multiline, TimeSpan.FromSeconds(1));
        return match.Success ? match.Groups[1].Value : "?";
    }

    [GeneratedRegex(@"(\d+) requests in ([\d.]+)(ms|s|m|h),")]
    private static partial Regex SummaryLine();

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RateLine();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex Non2xxLine();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrorsLine();

    [GeneratedRegex(@"^\s+Latency\s+\S+\s+\S+\s+(\S+)", RegexOptions.Multiline)]
    private static partial Regex LatencyLine();
}
