using GroupBuy.TestSupport;

namespace GroupBuy.Reliability.Tests;

/// <summary>
/// The server started from its build output (<c>dotnet GroupBuy.Api.dll</c>) outside Development, as the benchmarks and
/// these tests start it, serves the pages: the build output has no wwwroot of its own, only a manifest that points at
/// the project's.
/// </summary>
public sealed class BuildOutputTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Started_from_its_build_output_in_Production_it_serves_the_pages_and_their_scripts()
    {
        using var data = new TempDirectory();
        var settings = ShopChecks.ServerSettings(
            new Dictionary<string, string> { ["Storage:Provider"] = "sqlite", ["Storage:Sqlite:Path"] = data.File("groupbuy.db") });
        await using var api = await ApiProcess.StartAsync(settings, data.File("api.log"), Token);
        using var client = new HttpClient { BaseAddress = api.Address };

        foreach (var page in new[] { "/", "/teams/t-1", "/orders" })
        {
            using var response = await client.GetAsync(page, Token);
            Assert.True(response.IsSuccessStatusCode, $"{page}: {(int)response.StatusCode}\n{api.Tail()}");
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        }
        using var script = await client.GetAsync("/js/live.js", Token);
        Assert.True(script.IsSuccessStatusCode, $"/live.js: {(int)script.StatusCode}");
        Assert.DoesNotContain("WebRootPath was not found", api.Tail(), StringComparison.Ordinal);
    }
}
