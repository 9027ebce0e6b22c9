using System.CommandLine;
using GroupBuy.Load.Bench;

namespace GroupBuy.Load.Cli;

/// <summary><c>bench</c> (P4, P5, P7 with their baselines), <c>bare-hub</c> and <c>socket-floor</c> (P5's baseline and floor servers, started by <c>bench</c>).</summary>
public static class BenchCommands
{
    public static IEnumerable<Command> All(string[] args)
    {
        var api = new Option<string>("--api") { Description = "The API to start: src/Api/bin/Release/net10.0/GroupBuy.Api.dll.", Required = true };
        var work = new Option<string>("--work") { Description = "A folder for databases, logs and pid files.", DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "groupbuy-bench") };
        var doc = new Option<string?>("--doc") { Description = "docs/benchmarks.md, to write the results into (its P4, P5, P7 rows and the load tool's section)." };
        var only = new Option<string>("--only") { Description = "Which to run, e.g. p4,p7.", DefaultValueFactory = _ => "p4,p5,p7" };
        var connections = new Option<int>("--connections") { Description = "Closed-loop connections (P4, P7).", DefaultValueFactory = _ => 64 };
        var seconds = new Option<int>("--seconds") { Description = "Length of each measured round (P4, P7).", DefaultValueFactory = _ => 10 };
        var rounds = new Option<int>("--rounds") { Description = "Measured rounds of each side (P4, P7).", DefaultValueFactory = _ => 2 };
        var watchers = new Option<int>("--watchers") { Description = "P5 watchers.", DefaultValueFactory = _ => 10_000 };
        var joins = new Option<int>("--joins") { Description = "P5 joins.", DefaultValueFactory = _ => 20 };
        var bareSend = new Option<string>("--bare-send")
        {
            Description = "P5's bare hub: inline sends, then answers its broadcast; queued answers, then sends from the thread pool, as the API's live feed does.",
            DefaultValueFactory = _ => "inline",
        };
        bareSend.AcceptOnlyFromAmong("inline", "queued");
        var serverConfig = new Option<string>("--server-config")
        {
            Description = "Extra configuration for every API server, \"Key:Path=value;Other=value\", for diagnosis only.",
            DefaultValueFactory = _ => "",
        };
        var serverEnv = new Option<string>("--server-env")
        {
            Description = "Extra environment variables for every API server, \"NAME=value;OTHER=value\" (runtime knobs), for diagnosis only.",
            DefaultValueFactory = _ => "",
        };
        var campaigns = new Option<int>("--campaigns") { Description = "P7 campaigns.", DefaultValueFactory = _ => 10_000 };
        var grains = new Option<int>("--grains") { Description = "P7 grain states in the big store.", DefaultValueFactory = _ => 1_000_000 };
        var shoppers = new Option<int>("--shoppers") { Description = "Shoppers' tokens the purchases rotate over.", DefaultValueFactory = _ => 1000 };

        var bench = new Command("bench", "Runs P4, P5 and P7 of the performance spec with their baselines in the same run, and writes them into docs/benchmarks.md.")
        {
            api, work, doc, only, connections, seconds, rounds, watchers, joins, bareSend, campaigns, grains, shoppers, serverConfig, serverEnv,
        };
        serverConfig.Validators.Add(result => Check(result, BenchOptions.ParseServerConfig));
        serverEnv.Validators.Add(result => Check(result, BenchOptions.ParseServerEnvironment));
        bench.SetAction((parse, cancellationToken) => BenchRunner.RunAsync(new BenchOptions
        {
            ApiDll = parse.GetValue(api)!,
            Work = parse.GetValue(work)!,
            Doc = parse.GetValue(doc),
            Only = parse.GetValue(only)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase),
            Connections = parse.GetValue(connections),
            RoundLength = TimeSpan.FromSeconds(parse.GetValue(seconds)),
            Rounds = Math.Max(1, parse.GetValue(rounds)),
            Watchers = parse.GetValue(watchers),
            Joins = parse.GetValue(joins),
            BareSend = parse.GetValue(bareSend)!,
            ServerConfig = BenchOptions.ParseServerConfig(parse.GetValue(serverConfig)!),
            ServerEnvironment = BenchOptions.ParseServerEnvironment(parse.GetValue(serverEnv)!),
            Campaigns = parse.GetValue(campaigns),
            Grains = parse.GetValue(grains),
            Shoppers = parse.GetValue(shoppers),
            Command = (Environment.GetEnvironmentVariable("LOAD_BENCH_COMMAND") ?? "dotnet run -c Release --project load/Load -- " + string.Join(' ', args)).Trim(),
        }, Console.Out, cancellationToken));
        yield return bench;

        var bareHub = new Command("bare-hub", "Serves P5's baseline: a bare SignalR hub (started by 'bench').") { Hidden = true };
        bareHub.TreatUnmatchedTokensAsErrors = false;
        bareHub.SetAction((parse, _) => BareHub.RunAsync([.. parse.UnmatchedTokens]));
        yield return bareHub;

        var socketFloor = new Command("socket-floor", "Serves P5's floor: plain sockets, no protocol (started by 'bench').") { Hidden = true };
        socketFloor.TreatUnmatchedTokensAsErrors = false;
        socketFloor.SetAction((parse, _) => SocketFloor.RunAsync([.. parse.UnmatchedTokens]));
        yield return socketFloor;
    }

    private static void Check(System.CommandLine.Parsing.OptionResult result, Func<string, object> parse)
    {
        try
        {
            parse(result.GetValueOrDefault<string>());
        }
        catch (ArgumentException exception)
        {
            result.AddError(exception.Message);
        }
    }
}
