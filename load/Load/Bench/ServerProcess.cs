using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace GroupBuy.Load.Bench;

/// <summary>
/// A server under benchmark, run as its own process on 127.0.0.1 in its build folder (its content root): started and
/// waited for until <c>/readyz</c> answers (the time that took is its start-up time), observed through /proc (RSS,
/// CPU time), stopped with SIGTERM (SIGKILL after a grace period). Its pid is a file under the work folder while it
/// runs, so the run script can stop it if this program dies. Output goes to a log file in the work folder.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(20);

    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly string _pidFile;

    private ServerProcess(string name, Process process, StreamWriter log, string pidFile, Uri address)
    {
        Name = name;
        _process = process;
        _log = log;
        _pidFile = pidFile;
        Address = address;
    }

    public string Name { get; }

    public Uri Address { get; }

    public int Pid => _process.Id;

    /// <summary>From the process's start until <c>/readyz</c> first answered 200.</summary>
    public TimeSpan StartUp { get; private set; }

    public static async Task<ServerProcess> StartAsync(
        string name, string dll, IEnumerable<string> args, string work, IReadOnlyDictionary<string, string>? environment = null, string readyPath = "/readyz")
    {
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(dll))!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.GetFullPath(dll));
        foreach (var arg in args.Concat(["--urls", address.ToString().TrimEnd('/')]))
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        var log = new StreamWriter(Path.Combine(work, $"{name}.log"), append: true) { AutoFlush = true };
        var started = Stopwatch.GetTimestamp();
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {name}");
        var pidFile = Path.Combine(work, "pids", process.Id.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(Path.GetDirectoryName(pidFile)!);
        await File.WriteAllTextAsync(pidFile, name);
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(name, process, log, pidFile, address);
        try
        {
            await server.WaitReadyAsync(readyPath);
            server.StartUp = Stopwatch.GetElapsedTime(started);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>
    /// The shared array pool's depth the API gives itself at start-up (<c>src/Api/Live/FanOutBuffers.cs</c>), so that a
    /// baseline server's pushes reuse their buffers as the API's do.
    /// </summary>
    public const string SharedPoolDepth = "8192";

    /// <summary>
    /// The runtime settings of the API's process, for a baseline server: the <c>System.GC.*</c> settings and the thread
    /// pool's spinning of a program's runtimeconfig.json as <c>DOTNET_*</c> variables, and the shared array pool's depth.
    /// </summary>
    public static Dictionary<string, string> RuntimeEnvironmentOf(string dll)
    {
        var environment = new Dictionary<string, string> { ["DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION"] = SharedPoolDepth };
        var properties = JsonNode.Parse(File.ReadAllText(Path.ChangeExtension(Path.GetFullPath(dll), ".runtimeconfig.json")))?["runtimeOptions"]?["configProperties"];
        if (properties?["System.GC.Server"] is { } server)
        {
            environment["DOTNET_gcServer"] = server.GetValue<bool>() ? "1" : "0";
        }
        if (properties?["System.GC.Concurrent"] is { } concurrent)
        {
            environment["DOTNET_gcConcurrent"] = concurrent.GetValue<bool>() ? "1" : "0";
        }
        if (properties?["System.Threading.ThreadPool.UnfairSemaphoreSpinLimit"] is { } spinLimit)
        {
            // The runtime reads this variable as hexadecimal.
            environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = spinLimit.GetValue<int>().ToString("X", CultureInfo.InvariantCulture);
        }
        return environment;
    }

    /// <summary>Resident set size (VmRSS), bytes.</summary>
    public long RssBytes() => ProcFs.RssBytes($"/proc/{Pid}/status");

    /// <summary>User + system CPU time used so far.</summary>
    public TimeSpan CpuTime() => ProcFs.CpuTime(Pid);

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
        File.Delete(_pidFile);
        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }

    /// <summary>A loopback port free when asked.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Write(StreamWriter log, string? line)
    {
        lock (log)
        {
            if (line is not null && log.BaseStream.CanWrite)
            {
                log.WriteLine(line);
            }
        }
    }

    private async Task WaitReadyAsync(string path)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode} while starting; see its log in the work folder");
            }
            try
            {
                using var response = await http.GetAsync(new Uri(Address, path));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or slow to answer while starting.
            }
            await Task.Delay(20);
        }
        throw new TimeoutException($"{Name} was not ready within {StartTimeout}");
    }
}
