using Spectre.Console;

namespace GroupBuy.Load.Cli;

/// <summary>
/// The console a scenario reports to. On a terminal, Spectre's own detection (colours, the live table, its width).
/// Written to a file or a pipe (a CI log, <c>tee</c>), plain text: no colour codes, and tables wide enough that
/// operation names and figures stay on one line.
/// </summary>
public static class LoadConsole
{
    /// <summary>The width of tables when the output is not a terminal.</summary>
    public const int RedirectedWidth = 160;

    /// <param name="outputRedirected">Whether standard output goes to a file or a pipe: <see cref="Console.IsOutputRedirected"/>.</param>
    public static IAnsiConsole Create(bool outputRedirected)
    {
        if (!outputRedirected)
        {
            return AnsiConsole.Console;
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = RedirectedWidth;
        return console;
    }
}
