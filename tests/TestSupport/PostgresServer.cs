using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace GroupBuy.TestSupport;

/// <summary>
/// A throwaway PostgreSQL server: <c>initdb</c> into a temp folder, started on a free loopback port,
/// stopped and deleted on dispose. Nothing is shared with a system service.
/// </summary>
/// <remarks>
/// The folder is made under <c>GROUPBUY_PG_TEMP</c> when set (scripts/test.sh gives each run a folder of its own and
/// stops whatever is left in it), else under the system's temp folder. A server whose process ends without its
/// dispose having run (a test host shut down early) is stopped and deleted on <see cref="AppDomain.ProcessExit"/>.
/// </remarks>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string ServiceUser = "postgres";

    /// <summary>Servers made and not yet disposed: what <see cref="AppDomain.ProcessExit"/> stops.</summary>
    private static readonly ConcurrentDictionary<PostgresServer, byte> Undisposed = new();
    private static int _exitHooked;

    private readonly string _binDirectory;
    private readonly string _root;
    private readonly bool _durable;
    private int _databases;

    private PostgresServer(string binDirectory, string root, int port, bool durable)
    {
        _binDirectory = binDirectory;
        _root = root;
        Port = port;
        _durable = durable;
    }

    public int Port { get; private set; }

    private string DataDirectory => Path.Combine(_root, "data");

    /// <summary>The maintenance database, for creating test databases.</summary>
    public string AdminConnectionString => ConnectionStringFor("postgres");

    public string ConnectionStringFor(string database) =>
        $"Host=127.0.0.1;Port={Port};Username={ServiceUser};Database={database};Timeout=5;Command Timeout=30";

    /// <param name="cancellationToken">Cancels the start.</param>
    /// <param name="durable">
    /// False (tests): <c>fsync=off</c> and <c>full_page_writes=off</c>, for speed. True (benchmarks): the server's
    /// defaults, so a commit is flushed to disk before it is acknowledged.
    /// </param>
    public static async Task<PostgresServer> StartAsync(CancellationToken cancellationToken, bool durable = false)
    {
        var bin = FindBinDirectory();
        var root = CreateRoot();
        var server = new PostgresServer(bin, root, FreePort(), durable);
        Track(server);
        try
        {
            if (Environment.IsPrivilegedProcess)
            {
                // initdb refuses to run as root; the server runs as the package's service account.
                await RunAsync("chown", [ServiceUser, root], asServiceUser: false, cancellationToken);
            }
            await server.RunToolAsync("initdb", ["-D", server.DataDirectory, "-U", ServiceUser, "--auth=trust", "-E", "UTF8", "--no-sync"], cancellationToken);
            // A free port can be taken by another process (tests run side by side) before the server binds it; nothing
            // has its address yet, so the first start simply tries another.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await server.StartServerAsync(cancellationToken);
                    return server;
                }
                catch (InvalidOperationException) when (attempt < 5 && server.PortWasTaken())
                {
                    File.Delete(Path.Combine(root, "server.log"));
                    server.Port = FreePort();
                }
            }
        }
        catch
        {
            // No caller holds the server to dispose it: a start that failed or timed out (pg_ctl gives up waiting
            // while the server may still come up) would leave it running and its folder behind.
            try
            {
                await server.DisposeAsync();
            }
            catch (Exception cleanup) when (cleanup is InvalidOperationException or IOException)
            {
                // The start's failure is the one to report.
            }
            throw;
        }
    }

    private static string CreateRoot()
    {
        var parent = Environment.GetEnvironmentVariable("GROUPBUY_PG_TEMP");
        if (string.IsNullOrEmpty(parent))
        {
            return Directory.CreateTempSubdirectory("groupbuy-pg-").FullName;
        }
        // The server's unix socket lives in this folder, and a socket's path is limited to 107 bytes.
        var root = Path.Combine(Path.GetFullPath(parent), $"groupbuy-pg-{Guid.NewGuid():N}"[..20]);
        Directory.CreateDirectory(root);
        return root;
    }

    private static void Track(PostgresServer server)
    {
        if (Interlocked.Exchange(ref _exitHooked, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += StopUndisposed;
        }
        Undisposed.TryAdd(server, 0);
    }

    /// <summary>
    /// The process is ending with servers not disposed (a fixture whose dispose never ran): stops them at once and
    /// deletes their folders, so that no server outlives the process that started it.
    /// </summary>
    private static void StopUndisposed(object? sender, EventArgs e)
    {
        foreach (var server in Undisposed.Keys)
        {
            if (!Undisposed.TryRemove(server, out _))
            {
                continue;
            }
            try
            {
                // Synchronous: the process is ending, nothing else will run its continuations for long.
                using var stop = Start(server.ToolPath("pg_ctl"), server.StopImmediately, Environment.IsPrivilegedProcess);
                stop.WaitForExit(TimeSpan.FromSeconds(30));
                Directory.Delete(server._root, recursive: true);
            }
            catch (Exception failure) when (failure is InvalidOperationException or IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
            {
                // Ending anyway; the other servers are still stopped.
            }
        }
    }

    /// <summary>True when the last start failed because its port was already in use (the server's log says so).</summary>
    private bool PortWasTaken()
    {
        var log = Path.Combine(_root, "server.log");
        return File.Exists(log) && File.ReadAllText(log).Contains("Address already in use", StringComparison.Ordinal);
    }

    /// <summary>Starts the server again after <see cref="StopServerAsync"/> (database outage tests).</summary>
    public Task StartServerAsync(CancellationToken cancellationToken) =>
        RunToolAsync("pg_ctl", [
            "-D", DataDirectory, "-l", Path.Combine(_root, "server.log"), "-w", "-t", "60",
            "-o", $"-p {Port} -k {_root} -c listen_addresses=127.0.0.1{(_durable ? "" : " -c fsync=off -c full_page_writes=off")} -c max_connections=300",
            "start",
        ], cancellationToken);

    /// <summary>Stops the server at once, as a crash or an outage would.</summary>
    public Task StopServerAsync(CancellationToken cancellationToken) =>
        RunToolAsync("pg_ctl", StopImmediately, cancellationToken);

    /// <summary>pg_ctl's arguments to stop the server at once, as a crash would, and wait until it has.</summary>
    private string[] StopImmediately => ["-D", DataDirectory, "-m", "immediate", "-w", "stop"];

    /// <summary>Creates an empty database of its own and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        var name = $"test_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}"[..30];
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return ConnectionStringFor(name);
    }

    public ValueTask DisposeAsync() =>
        Undisposed.TryRemove(this, out _) ? StopAndDeleteAsync() : ValueTask.CompletedTask;

    private async ValueTask StopAndDeleteAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            // Not running when never started, or when a test failed while its server was stopped for an outage.
            if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
            {
                var stop = await RunAsync(ToolPath("pg_ctl"), StopImmediately, Environment.IsPrivilegedProcess, CancellationToken.None, check: false);
                // pg_ctl status exits 3 when no server runs (a stale pid file left by a crash is not one).
                if (stop.ExitCode != 0 && (await RunAsync(ToolPath("pg_ctl"), ["-D", DataDirectory, "status"], Environment.IsPrivilegedProcess, CancellationToken.None, check: false)).ExitCode != 3)
                {
                    throw new InvalidOperationException($"pg_ctl stop exited {stop.ExitCode}: {stop.Output}");
                }
            }
        }
        finally
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private string ToolPath(string tool) => Path.Combine(_binDirectory, tool);

    private async Task RunToolAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        await RunAsync(ToolPath(tool), arguments, asServiceUser: Environment.IsPrivilegedProcess, cancellationToken);

    /// <summary>
    /// Runs a tool to its end. A cancellation does not abandon a running tool (pg_ctl waits at most a minute): a
    /// server still coming up after the call returned would be stopped by nobody.
    /// </summary>
    private static async Task<(int ExitCode, string Output)> RunAsync(string file, IReadOnlyList<string> arguments, bool asServiceUser, CancellationToken cancellationToken, bool check = true)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var process = Start(file, arguments, asServiceUser);
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        await process.WaitForExitAsync(CancellationToken.None);
        var text = await output + await error;
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {process.ExitCode}: {text}");
        }
        cancellationToken.ThrowIfCancellationRequested();
        return (process.ExitCode, text);
    }

    private static Process Start(string file, IReadOnlyList<string> arguments, bool asServiceUser)
    {
        var start = new ProcessStartInfo(asServiceUser ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asServiceUser)
        {
            foreach (var part in new[] { "-u", ServiceUser, "--", file })
            {
                start.ArgumentList.Add(part);
            }
        }
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
    }

    private static string FindBinDirectory()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("GROUPBUY_PG_BIN");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }
        const string debianRoot = "/usr/lib/postgresql";
        var newest = Directory.Exists(debianRoot)
            ? Directory.GetDirectories(debianRoot)
                .Where(d => File.Exists(Path.Combine(d, "bin", "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        return newest is null
            ? throw new InvalidOperationException("PostgreSQL server binaries not found: install the postgresql package (scripts/test.sh does) or set GROUPBUY_PG_BIN.")
            : Path.Combine(newest, "bin");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
