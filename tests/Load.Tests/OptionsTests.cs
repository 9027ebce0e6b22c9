using GroupBuy.Load.Scenarios;

namespace GroupBuy.Load.Tests;

public sealed class OptionsTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("30s", 30_000)]
    [InlineData("2m", 120_000)]
    [InlineData("00:00:05", 5_000)]
    public void Durations_read_as_people_type_them(string text, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Durations.Parse(text));

    [Fact]
    public void Ramps_place_arrivals_at_once_evenly_or_in_steps()
    {
        Assert.Equal(TimeSpan.Zero, Ramp.Parse("burst").ArrivalOf(99, 100));
        Assert.Equal(TimeSpan.FromSeconds(5), Ramp.Parse("linear:10s").ArrivalOf(50, 100));
        Assert.Equal(TimeSpan.FromSeconds(10), Ramp.Parse("steps:4x5s").ArrivalOf(50, 100));
        Assert.Equal("steps:4x5s", Ramp.Parse("steps:4x5s").ToString());
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("linear")]
    [InlineData("steps:0x5s")]
    public void A_ramp_that_means_nothing_is_refused(string text) => Assert.Throws<FormatException>(() => Ramp.Parse(text));

    [Fact]
    public void The_report_names_the_flash_sales_quantity_as_asked_or_as_chosen()
    {
        var server = new Uri("http://127.0.0.1:5000/");

        Assert.Equal("half the sale's shoppers", new RunOptions { Server = server }.Describe()["quantity"]);
        Assert.Equal("40", new RunOptions { Server = server, Quantity = 40 }.Describe()["quantity"]);
    }

    [Fact]
    public void Bench_server_settings_read_as_pairs_separated_by_semicolons()
    {
        Assert.Equal(["--Storage:Provider", "memory", "--Runtime:X", "a=b"], Bench.BenchOptions.ParseServerConfig("Storage:Provider=memory; Runtime:X=a=b"));
        Assert.Equal(
            new Dictionary<string, string> { ["DOTNET_TieredPGO"] = "0", ["DOTNET_gcServer"] = "1" },
            Bench.BenchOptions.ParseServerEnvironment("DOTNET_TieredPGO=0;DOTNET_gcServer=1;"));
        Assert.Throws<ArgumentException>(() => Bench.BenchOptions.ParseServerEnvironment("DOTNET_TieredPGO"));
        Assert.Throws<ArgumentException>(() => Bench.BenchOptions.ParseServerConfig("=memory"));
    }

    [Fact]
    public void Output_to_a_file_or_a_pipe_is_plain_text_in_wide_tables()
    {
        var console = Cli.LoadConsole.Create(outputRedirected: true);

        Assert.False(console.Profile.Capabilities.Ansi);
        Assert.False(console.Profile.Capabilities.Interactive);
        Assert.Equal(Spectre.Console.ColorSystem.NoColors, console.Profile.Capabilities.ColorSystem);
        Assert.Equal(Cli.LoadConsole.RedirectedWidth, console.Profile.Width);
    }

    [Theory]
    [InlineData("flash-sale", "--url", "http://127.0.0.1:9", "--shoppers", "abc")]
    [InlineData("flash-sale", "--url", "http://127.0.0.1:9", "--no-such-option", "1")]
    [InlineData("no-such-command")]
    public async Task Options_the_tool_cannot_read_exit_2_not_the_code_of_a_broken_invariant(params string[] args) =>
        Assert.Equal(2, await Cli.Program.Main(args));
}
