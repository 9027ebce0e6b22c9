using System.Net.Http.Json;
using GroupBuy.TestSupport;

namespace GroupBuy.Api.Tests;

public sealed class DatabaseOutageTests
{
    [Fact]
    public async Task While_PostgreSQL_is_down_writes_get_a_fast_503_and_readyz_fails_then_the_service_recovers_by_itself()
    {
        await using var postgres = await PostgresServer.StartAsync(ApiClient.Token);
        var connectionString = await postgres.CreateDatabaseAsync(ApiClient.Token);
        await using var api = new ApiFactory();
        var factory = api.WithWebHostBuilder(b => b
            .UseSetting("Storage:Provider", "postgres")
            .UseSetting("ConnectionStrings:Postgres", connectionString));
        var merchant = await factory.SignedInAsync("outage-m", "merchant");
        var probe = factory.CreateClient();
        (await merchant.PostAsJsonAsync("/api/products", new { sku = "before", name = "Rice", price = 1, stock = 1 }, ApiClient.Token)).EnsureSuccessStatusCode();

        await postgres.StopServerAsync(ApiClient.Token);
        var refused = await merchant.PostAsJsonAsync("/api/products", new { sku = "during", name = "Rice", price = 1, stock = 1 }, ApiClient.Token);
        var notReady = await probe.GetAsync("/readyz", ApiClient.Token);
        var live = await probe.GetAsync("/healthz", ApiClient.Token);

        await refused.AssertProblemAsync(503, "overloaded");
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal(503, (int)notReady.StatusCode);
        Assert.Equal(200, (int)live.StatusCode);

        await postgres.StartServerAsync(ApiClient.Token);
        Assert.Equal(200, (int)(await probe.GetAsync("/readyz", ApiClient.Token)).StatusCode);
        Assert.Equal(201, (int)(await merchant.PostAsJsonAsync("/api/products", new { sku = "during", name = "Rice", price = 1, stock = 1 }, ApiClient.Token)).StatusCode);
        Assert.Equal(200, (int)(await merchant.GetAsync("/api/products/before", ApiClient.Token)).StatusCode);
    }

    [Fact]
    public async Task While_PostgreSQL_is_down_the_hub_refuses_what_it_cannot_load_as_overloaded_then_answers_again()
    {
        await using var postgres = await PostgresServer.StartAsync(ApiClient.Token);
        await using var api = new ApiFactory();
        api.Settings["Storage:Provider"] = "postgres";
        api.Settings["ConnectionStrings:Postgres"] = await postgres.CreateDatabaseAsync(ApiClient.Token);
        api.UseKestrel(0);
        api.StartServer();
        var topic = "team:0123456789abcdef0123456789abcdef";
        await using var client = await SignalRClient.ConnectAsync(api.ClientOptions.BaseAddress, null, ApiClient.Token);

        await postgres.StopServerAsync(ApiClient.Token);
        var refused = await Assert.ThrowsAsync<HubErrorException>(() => client.InvokeAsync("Watch", topic));
        await postgres.StartServerAsync(ApiClient.Token);
        var answered = await Assert.ThrowsAsync<HubErrorException>(() => client.InvokeAsync("Watch", topic));

        Assert.Contains("HubException: overloaded:", refused.Message, StringComparison.Ordinal);
        Assert.Contains("HubException: not_found:", answered.Message, StringComparison.Ordinal);
    }
}
