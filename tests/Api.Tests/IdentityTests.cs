using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GroupBuy.Api.Tests;

public sealed class IdentityTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_dev_token_identifies_the_caller()
    {
        var client = await factory.SignedInAsync("m-id", "merchant");

        var response = await client.PostAsJsonAsync("/api/products", new { sku = "id-check", name = "Tea", price = 100, stock = 1 }, ApiClient.Token);

        Assert.Equal("m-id", (await response.JsonAsync())["merchantId"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{ "userId": "u1", "role": "admin", "name": "x" }""")]
    [InlineData("""{ "userId": "", "role": "shopper" }""")]
    [InlineData("""{ "userId": "a b", "role": "shopper" }""")]
    [InlineData("""{ "userId": "u1", "role": "shopper", "name": "\u0000" }""")]
    [InlineData("""{ "role": "shopper" }""")]
    public async Task A_dev_token_request_with_bad_fields_is_a_validation_problem(string body)
    {
        var response = await factory.CreateClient().PostAsync("/api/dev/tokens", ApiClient.RawJson(body), ApiClient.Token);

        await response.AssertProblemAsync(400, "validation");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer not-a-token")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task A_missing_or_invalid_token_is_unauthorized(string? authorization)
    {
        var client = factory.CreateClient();
        if (authorization is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        }

        var response = await client.GetAsync("/api/products/anything", ApiClient.Token);

        await response.AssertProblemAsync(401, "unauthorized");
    }

    [Fact]
    public async Task Dev_tokens_do_not_exist_in_production()
    {
        // A server of its own, on a database of its own: a SQLite file is opened by one server at a time.
        await using var api = new ApiFactory();
        using var production = api.WithWebHostBuilder(b => b.UseEnvironment(Environments.Production));

        var response = await production.CreateClient().PostAsJsonAsync("/api/dev/tokens", new { userId = "u1", role = "shopper" }, ApiClient.Token);

        await response.AssertProblemAsync(404, "not_found");
    }

    [Theory]
    [InlineData("Staging", true)]
    [InlineData("Development", false)]
    public async Task Dev_tokens_switched_on_outside_development_are_announced_at_start_up(string environment, bool announced)
    {
        var warning = new LoggedEvents("OnOutsideDevelopment", times: 1);
        await using var api = new ApiFactory();
        api.Settings["Auth:DevTokens"] = "true";
        using var server = api.WithWebHostBuilder(b => b.UseEnvironment(environment).ConfigureLogging(logging => logging.AddProvider(warning)));

        var minted = await server.CreateClient().PostAsJsonAsync("/api/dev/tokens", new { userId = "u1", role = "shopper" }, ApiClient.Token);

        Assert.Equal(200, (int)minted.StatusCode);
        Assert.Equal(announced, warning.Reached.IsCompleted);   // logged while the routes are mapped, before any request
    }

    [Fact]
    public async Task A_dev_token_is_refused_by_a_server_whose_dev_tokens_are_off()
    {
        var minted = await factory.SignedInAsync("dev-elsewhere", "merchant");
        await using var api = new ApiFactory();
        api.Settings["Auth:DevTokens"] = "false";
        var production = api.CreateClient();
        production.DefaultRequestHeaders.Authorization = minted.DefaultRequestHeaders.Authorization;

        var mine = await minted.GetAsync("/api/me/orders", ApiClient.Token);
        var there = await production.GetAsync("/api/me/orders", ApiClient.Token);

        Assert.Equal(200, (int)mine.StatusCode);
        await there.AssertProblemAsync(401, "unauthorized");
    }
}
