namespace GroupBuy.Api.Operations;

/// <summary>
/// The host watches its content root, every folder below it, for changes to the <c>appsettings</c> files, and the
/// SQLite store keeps its database below that root by default (<c>data/</c>): each write to the database and its log
/// wakes the watcher's thread to look at a file it does not care about. So the API reads its configuration once, at
/// start-up, unless the operator sets <c>hostBuilder:reloadConfigOnChange</c> (on the command line, or as a
/// <c>DOTNET_</c> or <c>ASPNETCORE_</c> environment variable) to have the files watched again.
/// </summary>
public static class ConfigurationWatch
{
    /// <summary>The host's own setting for watching the configuration files.</summary>
    public const string Key = "hostBuilder:reloadConfigOnChange";

    /// <summary>The arguments to build the host with: the watch turned off first, unless the operator has set it.</summary>
    public static string[] OffUnlessSet(string[] args)
    {
        var set = new ConfigurationBuilder()
            .AddEnvironmentVariables("DOTNET_")
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddCommandLine(args)
            .Build()[Key];
        return set is null ? [$"--{Key}=false", .. args] : args;
    }
}
