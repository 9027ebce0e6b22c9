using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace GroupBuy.ApiBenchmarks;

/// <summary>
/// A server under test, run as its own process on 127.0.0.1: started, waited for until <c>/healthz</c> answers,
/// observed through /proc (RSS, CPU time), and stopped with SIGTERM (SIGKILL after a grace period). Its pid is
/// kept as a file in the work folder while it runs, so the run script can stop it by pid if this program dies.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(15);

    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly string _pidFile;

    private ServerProcess(string name, Process process, StreamWriter log, string pidFile, Uri address, string logPath)
    {
        Name = name;
        _process = process;
        _log = log;
        _pidFile = pidFile;
        Address = address;
        LogPath = logPath;
    }

    public string Name { get; }

    public Uri Address { get; }

    public string LogPath { get; }

    public int Pid => _process.Id;

    /// <summary>Starts <c>dotnet <paramref name="dll"/> <paramref name="args"/></c> in the dll's folder (its content root).</summary>
    public static async Task<ServerProcess> StartAsync(
        string name, string dll, IEnumerable<string> args, int port, string workDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var address = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(dll))!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.GetFullPath(dll));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(address.ToString().TrimEnd('/'));
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        var logPath = Path.Combine(workDirectory, $"{name}.log");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {name}");
        var pidFile = Path.Combine(workDirectory, "pids", process.Id.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(Path.GetDirectoryName(pidFile)!);
        await File.WriteAllTextAsync(pidFile, name);
        process.OutputDataReceived += (_, e) => WriteLine(log, e.Data);
        process.ErrorDataReceived += (_, e) => WriteLine(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(name, process, log, pidFile, address, logPath);
        try
        {
            await server.WaitReadyAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>A port that was free a moment ago on 127.0.0.1.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The <c>System.GC.*</c> settings of a program's runtimeconfig.json as <c>DOTNET_gc*</c> variables.</summary>
    public static Dictionary<string, string> GcEnvironmentOf(string dll)
    {
        var environment = new Dictionary<string, string>();
        var config = Path.ChangeExtension(Path.GetFullPath(dll), ".runtimeconfig.json");
        var properties = JsonNode.Parse(File.ReadAllText(config))?["runtimeOptions"]?["configProperties"];
        if (properties?["System.GC.Server"] is { } server)
        {
            environment["DOTNET_gcServer"] = server.GetValue<bool>() ? "1" : "0";
        }
        if (properties?["System.GC.Concurrent"] is { } concurrent)
        {
            environment["DOTNET_gcConcurrent"] = concurrent.GetValue<bool>() ? "1" : "0";
        }
        return environment;
    }

    /// <summary>Resident set size from /proc/&lt;pid&gt;/status (VmRSS), in bytes.</summary>
    public long RssBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kilobytes = line["VmRSS:".Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
            }
        }
        throw new InvalidOperationException($"no VmRSS for pid {Pid}");
    }

    /// <summary>User + system CPU time the process has used, from /proc/&lt;pid&gt;/stat.</summary>
    public TimeSpan CpuTime()
    {
        var stat = File.ReadAllText($"/proc/{Pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // Fields 14 and 15 of stat (utime, stime), counted from the state field (3); clock ticks of 1/100 s here.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    public bool HasExited => _process.HasExited;

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", Pid.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }
            using var grace = new CancellationTokenSource(StopGrace);
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }
        else
        {
            await _process.WaitForExitAsync();
        }
        File.Delete(_pidFile);
        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }

    private static void WriteLine(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (log)
        {
            if (log.BaseStream.CanWrite)
            {
                log.WriteLine(line);
            }
        }
    }

    private async Task WaitReadyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode} while starting; see {LogPath}");
            }
            try
            {
                using var response = await http.GetAsync(new Uri(Address, "/healthz"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Slow to answer while starting.
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{Name} did not answer /healthz within {StartTimeout}; see {LogPath}");
    }
}
