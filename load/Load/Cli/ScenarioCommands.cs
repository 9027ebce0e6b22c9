using System.CommandLine;
using GroupBuy.Load.Scenarios;

namespace GroupBuy.Load.Cli;

/// <summary>The scenario commands (<c>flash-sale</c>, <c>group-buy</c>, <c>watchers</c>, <c>chat</c>, <c>day</c>) and their options.</summary>
public static class ScenarioCommands
{
    private static readonly RunOptions Defaults = new() { Server = new Uri("http://127.0.0.1:5000") };

    public static IEnumerable<Command> All()
    {
        yield return Create("flash-sale", "Flash-sale rush: shoppers arrive together, buy one unit each and pay; the sale sells out.");
        yield return Create("group-buy", "Group-buy fill: shoppers open, join and quick-join teams, pay, and watch their teams live.");
        yield return Create("watchers", "Watchers: many hub connections on a few teams while shoppers join them; push latency from serverTime.");
        yield return Create("chat", "Chat storm: group members watch their groups live while messages and share cards are posted.");
        yield return Create("day", "A day in a community: a flash sale, a group buy, watchers and chats at once, on a linear ramp.");
    }

    private static Command Create(string name, string description)
    {
        var url = UrlOption.Create();
        var shoppers = new Option<int>("--shoppers") { Description = "Virtual shoppers.", DefaultValueFactory = _ => Defaults.Shoppers };
        var duration = new Option<string>("--duration") { Description = "Longest the run may last (500ms, 30s, 2m).", DefaultValueFactory = _ => "30s" };
        var ramp = new Option<string>("--ramp")
        {
            Description = "When users arrive: burst, linear:10s or steps:4x5s.",
            DefaultValueFactory = _ => name == "day" ? "linear:10s" : "burst",
        };
        var quantity = new Option<int>("--quantity") { Description = "Units in the flash sale (default: half the shoppers)." };
        var teamSize = new Option<int>("--team-size") { Description = "Seats per team in the group buy (2–100).", DefaultValueFactory = _ => Defaults.TeamSize };
        var pay = new Option<int>("--pay-percent") { Description = "Share of buyers who pay.", DefaultValueFactory = _ => Defaults.PayPercent };
        var watch = new Option<int>("--watch-percent") { Description = "Share of shoppers who watch live.", DefaultValueFactory = _ => Defaults.WatchPercent };
        var watchers = new Option<int>("--watchers") { Description = "Hub connections (watchers).", DefaultValueFactory = _ => Defaults.Watchers };
        var topics = new Option<int>("--topics") { Description = "Teams the watchers spread over.", DefaultValueFactory = _ => Defaults.Topics };
        var rate = new Option<double>("--rate") { Description = "Joins (watchers) or messages (chat) per second.", DefaultValueFactory = _ => Defaults.Rate };
        var groups = new Option<int>("--groups") { Description = "Chat groups.", DefaultValueFactory = _ => Defaults.Groups };
        var members = new Option<int>("--members") { Description = "Members per chat group.", DefaultValueFactory = _ => Defaults.MembersPerGroup };
        var connections = new Option<int>("--http-connections") { Description = "Most HTTP connections to the server.", DefaultValueFactory = _ => Defaults.HttpConnections };
        var output = new Option<string>("--out") { Description = "Folder for the JSON and HTML reports.", DefaultValueFactory = _ => Defaults.OutputDirectory };
        var quiet = new Option<bool>("--quiet") { Description = "No live display." };

        var command = new Command(name, description) { url, shoppers, duration, ramp, quantity, teamSize, pay, watch, watchers, topics, rate, groups, members, connections, output, quiet };
        command.SetAction(async (parse, cancellationToken) =>
        {
            RunOptions options;
            try
            {
                options = Defaults with
                {
                    Server = parse.GetValue(url)!,
                    Shoppers = Positive(parse.GetValue(shoppers), "--shoppers"),
                    Duration = Durations.Parse(parse.GetValue(duration)!),
                    Ramp = Ramp.Parse(parse.GetValue(ramp)!),
                    Quantity = parse.GetValue(quantity),
                    TeamSize = parse.GetValue(teamSize),
                    PayPercent = parse.GetValue(pay),
                    WatchPercent = parse.GetValue(watch),
                    Watchers = parse.GetValue(watchers),
                    Topics = Positive(parse.GetValue(topics), "--topics"),
                    Rate = parse.GetValue(rate),
                    Groups = Positive(parse.GetValue(groups), "--groups"),
                    MembersPerGroup = Positive(parse.GetValue(members), "--members"),
                    HttpConnections = Positive(parse.GetValue(connections), "--http-connections"),
                    OutputDirectory = parse.GetValue(output)!,
                    Quiet = parse.GetValue(quiet),
                };
            }
            catch (FormatException exception)
            {
                await Console.Error.WriteLineAsync(exception.Message);
                return 2;
            }
            try
            {
                var outcome = await ScenarioRunner.RunAsync(name, options, LoadConsole.Create(Console.IsOutputRedirected), cancellationToken);
                return outcome.ExitCode;
            }
            catch (InvalidOperationException exception) when (exception.Message.StartsWith("seeding failed", StringComparison.Ordinal))
            {
                await Console.Error.WriteLineAsync(exception.Message);
                return 2;
            }
        });
        return command;
    }

    private static int Positive(int value, string option) => value > 0 ? value : throw new FormatException($"{option} must be at least 1");
}
