using GroupBuy.Api.Operations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBuy.Api.Tests;

/// <summary>
/// The API reads its configuration files once unless the operator asks for them to be watched: the watch covers every
/// folder under the content root, the database's included. What the watch cost a purchase is measured by P4's runs
/// (docs/benchmarks.md); these check the setting.
/// </summary>
public sealed class ConfigurationWatchTests
{
    [Fact]
    public async Task The_api_reads_its_configuration_files_once()
    {
        await using var factory = new ApiFactory();

        var configuration = (IConfigurationRoot)factory.Services.GetRequiredService<IConfiguration>();

        var files = configuration.Providers.OfType<JsonConfigurationProvider>().ToList();
        Assert.Contains(files, file => file.Source.Path == "appsettings.json");
        Assert.All(files, file => Assert.False(file.Source.ReloadOnChange, $"{file.Source.Path} is watched"));
    }

    [Fact]
    public void The_watch_is_turned_off_ahead_of_the_other_arguments()
    {
        var args = ConfigurationWatch.OffUnlessSet(["--urls", "http://127.0.0.1:5000"]);

        Assert.Equal([$"--{ConfigurationWatch.Key}=false", "--urls", "http://127.0.0.1:5000"], args);
    }

    [Fact]
    public void An_operators_setting_on_the_command_line_is_kept()
    {
        string[] args = ["--urls", "http://127.0.0.1:5000", $"--{ConfigurationWatch.Key}=true"];

        Assert.Same(args, ConfigurationWatch.OffUnlessSet(args));
    }
}
