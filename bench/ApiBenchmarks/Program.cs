namespace GroupBuy.ApiBenchmarks;

/// <summary>
/// <c>p4</c> and <c>p5</c> run the end-to-end benchmarks against the real server, started here as a separate
/// process (use <c>bench/ApiBenchmarks/run-p4.sh</c> and <c>run-p5.sh</c>, which build, raise the open-file limit
/// and clean up); <c>bare-hub</c> serves the bare SignalR hub that P5 compares against. See docs/benchmarks-api.md.
/// Exit codes: 0 a valid run (bars met or not), 1 a crash, 2 (P4) a run whose errors or invariants make it invalid.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var command = args.Length > 0 ? args[0] : "";
        var options = new Options(args.Length > 0 ? args[1..] : []);
        try
        {
            return command switch
            {
                "p4" => await P4Command.RunAsync(options),
                "p5" => await P5Command.RunAsync(options),
                "bare-hub" => await BareHubServer.RunAsync(args[1..]),
                _ => Usage(),
            };
        }
        catch (Exception exception) when (command is "p4" or "p5")
        {
            await Console.Error.WriteLineAsync($"{command} crashed: {exception}");
            return 1;
        }
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: GroupBuy.ApiBenchmarks p4|p5 --api <GroupBuy.Api.dll> --work <dir> [--key value …] | bare-hub --urls <url>");
        return 1;
    }
}
