using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace GroupBuy.TestSupport;

/// <summary>
/// A throwaway PostgreSQL server: <c>initdb</c> into a temp folder, started on a free loopback port,
/// stopped and deleted on dispose. Nothing is shared with a system service.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string ServiceUser = "postgres";
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
        var root = Directory.CreateTempSubdirectory("groupbuy-pg-").FullName;
        if (Environment.IsPrivilegedProcess)
        {
            // initdb refuses to run as root; the server runs as the package's service account.
            await RunAsync("chown", [ServiceUser, root], asServiceUser: false, cancellationToken);
        }

        var server = new PostgresServer(bin, root, FreePort(), durable);
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
        RunToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "stop"], cancellationToken);

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

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await StopServerAsync(CancellationToken.None);
        }
        finally
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private Task RunToolAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        RunAsync(Path.Combine(_binDirectory, tool), arguments, asServiceUser: Environment.IsPrivilegedProcess, cancellationToken);

    private static async Task RunAsync(string file, IReadOnlyList<string> arguments, bool asServiceUser, CancellationToken cancellationToken)
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

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {process.ExitCode}: {await output}{await error}");
        }
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
