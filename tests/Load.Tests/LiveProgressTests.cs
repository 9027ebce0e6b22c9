using GroupBuy.Load.Reports;
using GroupBuy.Runtime.Testing;
using Spectre.Console;
using Recorder = GroupBuy.Load.Metrics.Recorder;

namespace GroupBuy.Load.Tests;

/// <summary>The live display when the output is not a terminal: a line every five seconds, each figure after its name.</summary>
public sealed class LiveProgressTests
{
    [Fact]
    public async Task Off_a_terminal_each_line_names_its_figures()
    {
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(text), Ansi = AnsiSupport.No, Interactive = InteractionSupport.No });
        console.Profile.Width = Cli.LoadConsole.RedirectedWidth;
        var clock = new ManualTimeProvider();
        var recorder = new Recorder();
        var run = new TaskCompletionSource();

        var showing = LiveProgress.ShowWhileAsync(console, recorder, "test", run.Task, clock);
        await clock.WhenTimerSet(TimeSpan.FromSeconds(5)).WaitAsync(TestContext.Current.CancellationToken);
        clock.Advance(TimeSpan.FromSeconds(5));
        await clock.WhenTimerSet(TimeSpan.FromSeconds(5)).WaitAsync(TestContext.Current.CancellationToken);
        run.SetResult();
        await showing.WaitAsync(TestContext.Current.CancellationToken);

        var lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);   // one when five seconds passed, one when the run ended
        Assert.All(lines, line => Assert.Matches(@"^elapsed \d+ s  requests 0  req/s 0  errors 0  hub connections 0  pushes 0  push p99 ms [\d.]+\s*$", line));
    }
}
