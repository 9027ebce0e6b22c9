using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace GroupBuy.Reliability.Tests;

/// <summary>
/// The built API (<c>dotnet GroupBuy.Api.dll</c>) as a process of its own, on a loopback port, so that a test can
/// kill it outright (SIGKILL: no shutdown, no flush) and start it again on the same data.
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _log;
    private readonly StreamWriter _logWriter;

    private ApiProcess(Process process, Uri address, string log, StreamWriter logWriter)
    {
        _process = process;
        Address = address;
        _log = log;
        _logWriter = logWriter;
    }

    public Uri Address { get; }

    public static string AssemblyPath { get; } = Path.GetFullPath(typeof(ApiProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "ApiAssembly").Value!.Replace('\\', Path.DirectorySeparatorChar));

    /// <summary>Starts the server with these settings (as <c>--Key=Value</c>) and waits until <c>/readyz</c> answers 200.</summary>
    public static async Task<ApiProcess> StartAsync(IReadOnlyDictionary<string, string> settings, string logFile, CancellationToken cancellationToken)
    {
        Assert.True(File.Exists(AssemblyPath), $"the API is not built at {AssemblyPath}");
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(AssemblyPath)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(AssemblyPath);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(address.ToString().TrimEnd('/'));
        foreach (var (key, value) in settings)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the API");
        var log = File.AppendText(logFile);
        log.AutoFlush = true;
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var api = new ApiProcess(process, address, logFile, log);
        await api.WaitUntilReadyAsync(cancellationToken);
        return api;
    }

    /// <summary>SIGKILL: the process ends at once, mid-request, with whatever it had not written lost.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync(CancellationToken.None);
    }

    /// <summary>
    /// SIGTERM, as a deploy sends: the server drains and stops by itself. Answers its exit code; a server still running
    /// after <paramref name="limit"/> fails the test.
    /// </summary>
    public async Task<int> TerminateAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        using (var signal = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await signal.WaitForExitAsync(cancellationToken);
        }
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limit);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the API was still running {limit} after SIGTERM; see {_log}:\n{Tail()}");
        }
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
        lock (_logWriter)
        {
            _logWriter.Dispose();
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        await Waiting.UntilAsync(async () =>
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the API exited with {_process.ExitCode}; see {_log}:\n{Tail()}");
            }
            try
            {
                return (await client.GetAsync(new Uri("/readyz", UriKind.Relative), cancellationToken)).IsSuccessStatusCode;
            }
            catch (Exception exception) when (exception is HttpRequestException or SocketException)
            {
                return false;   // not listening yet
            }
        }, TimeSpan.FromSeconds(60), () => $"the API did not become ready; see {_log}:\n{Tail()}", cancellationToken);
    }

    /// <summary>The end of the server's log: what a failing test shows of it.</summary>
    public string Tail()
    {
        try
        {
            using var reader = new FileStream(_log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var text = new StreamReader(reader);
            var all = text.ReadToEnd();
            return all.Length > 4000 ? all[^4000..] : all;
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static void Append(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (log)
        {
            log.WriteLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
