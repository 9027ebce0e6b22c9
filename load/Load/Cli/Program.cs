using System.CommandLine;

namespace GroupBuy.Load.Cli;

/// <summary>
/// The load tool's commands. A named class rather than top-level statements, so that the tests, which host the API's
/// own <c>Program</c>, see one <c>Program</c> only.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var url = UrlOption.Create();
        var count = new Option<int>("--count") { Description = "How many probes to send.", DefaultValueFactory = _ => 20 };
        var ping = new Command("ping", "Checks that a server is live and ready, and how fast it answers.") { url, count };
        ping.SetAction((parse, cancellationToken) => PingCommand.RunAsync(parse.GetValue(url)!, parse.GetValue(count), Console.Out, cancellationToken));

        var root = new RootCommand("GroupBuy load tool: scenarios against any server, with live progress, invariant checks and JSON + HTML reports; "
            + "'bench' runs P4, P5 and P7 with their baselines. Exit codes: 0 a run whose invariants held, 1 an invariant broke, 2 bad options or seeding failed.")
        {
            ping,
        };
        foreach (var command in ScenarioCommands.All().Concat(BenchCommands.All(args)))
        {
            root.Subcommands.Add(command);
        }
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // Bad options exit 2, as the help says; the parser's own exit code for them would read as a broken invariant.
            foreach (var error in parsed.Errors)
            {
                await Console.Error.WriteLineAsync(error.Message);
            }
            return 2;
        }
        return await parsed.InvokeAsync();
    }
}
