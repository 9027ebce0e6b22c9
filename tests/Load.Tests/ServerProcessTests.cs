using GroupBuy.Load.Bench;

namespace GroupBuy.Load.Tests;

/// <summary>A baseline server runs with the API's runtime settings, read from the API's runtimeconfig.json.</summary>
public sealed class ServerProcessTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("groupbuy-runtimeconfig-").FullName;

    [Fact]
    public void The_collector_and_the_thread_pool_settings_become_the_variables_the_runtime_reads()
    {
        var dll = Program("""{ "System.GC.Server": true, "System.GC.Concurrent": false, "System.Threading.ThreadPool.UnfairSemaphoreSpinLimit": 70 }""");

        var environment = ServerProcess.RuntimeEnvironmentOf(dll);

        Assert.Equal("1", environment["DOTNET_gcServer"]);
        Assert.Equal("0", environment["DOTNET_gcConcurrent"]);
        Assert.Equal("46", environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"]);
        Assert.Equal(ServerProcess.SharedPoolDepth, environment["DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION"]);
    }

    [Fact]
    public void Settings_the_program_leaves_to_the_runtime_are_left_out()
    {
        var dll = Program("{}");

        var environment = ServerProcess.RuntimeEnvironmentOf(dll);

        Assert.Equal(["DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION"], environment.Keys);
    }

    private string Program(string configProperties)
    {
        var dll = Path.Combine(_folder, "server.dll");
        File.WriteAllText(Path.ChangeExtension(dll, ".runtimeconfig.json"),
            $$"""{ "runtimeOptions": { "tfm": "net10.0", "configProperties": {{configProperties}} } }""");
        return dll;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
