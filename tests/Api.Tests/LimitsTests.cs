using System.Net.Http.Json;
using GroupBuy.Grains.Interfaces.Orders;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBuy.Api.Tests;

public sealed class LimitsTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_body_over_the_size_limit_is_refused_before_it_is_read()
    {
        var merchant = await factory.SignedInAsync("lim-m", "merchant");
        var huge = new string('x', 100_000);

        var response = await merchant.PostAsJsonAsync("/api/products", new { sku = "lim-1", name = huge, price = 1, stock = 1 }, ApiClient.Token);

        var problem = await response.AssertProblemAsync(413, "validation");
        Assert.Contains("limited", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_grain_with_a_full_queue_answers_a_fast_503_with_retry_after()
    {
        var gateway = new HeldGateway();
        await using var api = new ApiFactory();
        var held = api.WithWebHostBuilder(b => b
            .UseSetting("Runtime:MaxQueuedRequests", "1")
            .ConfigureTestServices(s => s.AddSingleton<IPaymentGateway>(gateway)));
        var campaign = await GroupBuysApiTests.CampaignAsync(held, teamSize: 3);
        var leader = await held.SignedInAsync("lim-leader", "shopper");
        var opened = await (await leader.PostAsync($"/api/group-buys/{campaign}/teams", null, ApiClient.Token)).JsonAsync();
        var teamId = opened["team"]!["id"]!.GetValue<string>();
        var reader = held.CreateClient();

        var paying = leader.PostAsync($"/api/orders/{opened["order"]!["id"]!.GetValue<string>()}/pay", null, ApiClient.Token);
        await gateway.Charging.Task;                       // the team's turn is held by the payment
        var reads = Enumerable.Range(0, 20).Select(_ => reader.GetAsync($"/api/teams/{teamId}", ApiClient.Token)).ToList();
        var answered = new List<HttpResponseMessage>();
        while (answered.Count < 19)           // one read fits in the queue; every other one is refused at once
        {
            var done = await Task.WhenAny(reads);
            reads.Remove(done);
            answered.Add(await done);
        }
        gateway.Release.TrySetResult();

        foreach (var refused in answered)
        {
            await refused.AssertProblemAsync(503, "overloaded");
            Assert.Equal("1", refused.Headers.RetryAfter?.ToString());
        }
        Assert.Equal(200, (int)(await paying).StatusCode);
        Assert.Equal(200, (int)(await reads.Single()).StatusCode);
    }
}
