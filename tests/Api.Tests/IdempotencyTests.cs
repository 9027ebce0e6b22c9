using System.Net.Http.Json;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Runtime.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GroupBuy.Api.Tests;

public sealed class IdempotencyTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static HttpRequestMessage Post(string path, object body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    private static HttpRequestMessage Send(HttpMethod method, string path, string key)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    /// <summary>A server of its own whose payments are held by <paramref name="gateway"/> and that logs when a retry waits.</summary>
    private static ApiFactory HeldPayments(HeldGateway gateway, LoggedEvents events)
    {
        var api = new ApiFactory
        {
            TestServices = services => services.AddSingleton<IPaymentGateway>(gateway).AddSingleton<ILoggerProvider>(events),
        };
        api.Settings["Logging:LogLevel:GroupBuy.Api.Common.RunningWrites"] = "Debug";
        return api;
    }

    /// <summary>A shopper with an unpaid team-seat order; returns the shopper and the order id.</summary>
    private static async Task<(HttpClient Shopper, string OrderId)> UnpaidOrderAsync(ApiFactory api, string shopperId)
    {
        var campaign = await GroupBuysApiTests.CampaignAsync(api, teamSize: 2);
        var shopper = await api.SignedInAsync(shopperId, "shopper");
        var opened = await (await shopper.PostAsync($"/api/group-buys/{campaign}/teams", null, ApiClient.Token)).JsonAsync();
        return (shopper, opened["order"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_retried_write_with_the_same_key_answers_the_first_result_again()
    {
        var merchant = await factory.SignedInAsync("idem-m", "merchant");

        var first = await merchant.SendAsync(Post("/api/products", new { sku = "idem-1", name = "Rice", price = 100, stock = 5 }, "create-1"), ApiClient.Token);
        var retry = await merchant.SendAsync(Post("/api/products", new { sku = "idem-1", name = "Rice", price = 100, stock = 5 }, "create-1"), ApiClient.Token);
        var withoutKey = await merchant.PostAsJsonAsync("/api/products", new { sku = "idem-1", name = "Rice", price = 100, stock = 5 }, ApiClient.Token);

        Assert.Equal(201, (int)first.StatusCode);
        Assert.Equal(201, (int)retry.StatusCode);
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.Equal(await first.Content.ReadAsStringAsync(ApiClient.Token), await retry.Content.ReadAsStringAsync(ApiClient.Token));
        await withoutKey.AssertProblemAsync(409, "conflict");
    }

    [Fact]
    public async Task Restocking_twice_with_one_key_restocks_once()
    {
        var merchant = await factory.SignedInAsync("idem-r", "merchant");
        (await merchant.PostAsJsonAsync("/api/products", new { sku = "idem-2", name = "Rice", price = 100, stock = 5 }, ApiClient.Token)).EnsureSuccessStatusCode();

        await merchant.SendAsync(Post("/api/products/idem-2/restock", new { quantity = 10 }, "restock-1"), ApiClient.Token);
        var again = await merchant.SendAsync(Post("/api/products/idem-2/restock", new { quantity = 10 }, "restock-1"), ApiClient.Token);

        Assert.Equal(15, (await again.JsonAsync())["stock"]!["available"]!.GetValue<int>());
        Assert.Equal(15, (await (await merchant.GetAsync("/api/products/idem-2", ApiClient.Token)).JsonAsync())["stock"]!["available"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_key_replayed_with_a_different_body_is_a_conflict()
    {
        var merchant = await factory.SignedInAsync("idem-d", "merchant");
        (await merchant.PostAsJsonAsync("/api/products", new { sku = "idem-3", name = "Rice", price = 100, stock = 5 }, ApiClient.Token)).EnsureSuccessStatusCode();
        await merchant.SendAsync(Post("/api/products/idem-3/restock", new { quantity = 1 }, "k"), ApiClient.Token);

        var different = await merchant.SendAsync(Post("/api/products/idem-3/restock", new { quantity = 2 }, "k"), ApiClient.Token);

        var problem = await different.AssertProblemAsync(409, "conflict");
        Assert.Contains("different request", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retries_sent_while_the_first_attempt_runs_wait_for_it_and_answer_its_result()
    {
        var gateway = new HeldGateway();
        var waiting = new LoggedEvents("WaitingForFirstAttempt", times: 4);
        await using var api = HeldPayments(gateway, waiting);
        var (shopper, orderId) = await UnpaidOrderAsync(api, "idem-wait");

        var first = shopper.SendAsync(Send(HttpMethod.Post, $"/api/orders/{orderId}/pay", "pay-1"), ApiClient.Token);
        await gateway.Charging.Task;                                      // the first attempt is held in its payment
        var retries = Enumerable.Range(0, 4).Select(_ => shopper.SendAsync(Send(HttpMethod.Post, $"/api/orders/{orderId}/pay", "pay-1"), ApiClient.Token)).ToList();
        await Task.WhenAny(waiting.Reached, Task.WhenAny(retries));       // every retry waits, unless one was answered at once
        gateway.Release.TrySetResult();

        var answer = await first;
        var body = await answer.Content.ReadAsStringAsync(ApiClient.Token);
        Assert.Equal(200, (int)answer.StatusCode);
        foreach (var retry in await Task.WhenAll(retries))
        {
            Assert.Equal(200, (int)retry.StatusCode);
            Assert.Equal(body, await retry.Content.ReadAsStringAsync(ApiClient.Token));
        }
        Assert.Equal(1, gateway.Charges);
    }

    [Fact]
    public async Task A_retry_that_waited_for_a_first_attempt_that_failed_runs_as_a_fresh_request()
    {
        var gateway = new HeldGateway { Failures = 1 };
        var waiting = new LoggedEvents("WaitingForFirstAttempt", times: 1);
        await using var api = HeldPayments(gateway, waiting);
        var (shopper, orderId) = await UnpaidOrderAsync(api, "idem-fail");

        var first = shopper.SendAsync(Send(HttpMethod.Post, $"/api/orders/{orderId}/pay", "pay-2"), ApiClient.Token);
        await gateway.Charging.Task;
        var retry = shopper.SendAsync(Send(HttpMethod.Post, $"/api/orders/{orderId}/pay", "pay-2"), ApiClient.Token);
        await Task.WhenAny(waiting.Reached, retry);
        gateway.Release.TrySetResult();

        await (await first).AssertProblemAsync(503, "payment_unavailable");
        var paid = await retry;
        Assert.Equal(200, (int)paid.StatusCode);
        Assert.Equal("paid", (await paid.JsonAsync())["status"]!.GetValue<string>());
        Assert.Equal(2, gateway.Charges);
    }

    [Fact]
    public async Task Leaving_or_removing_twice_with_one_key_answers_204_again()
    {
        var (id, leader, members) = await ChatsApiTests.GroupAsync(factory, "idem-g-leader", "idem-g-1", "idem-g-2");

        var left = await members[0].SendAsync(Send(HttpMethod.Delete, $"/api/groups/{id}/members/me", "leave-1"), ApiClient.Token);
        var leftAgain = await members[0].SendAsync(Send(HttpMethod.Delete, $"/api/groups/{id}/members/me", "leave-1"), ApiClient.Token);
        var removed = await leader.SendAsync(Send(HttpMethod.Delete, $"/api/groups/{id}/members/idem-g-2", "remove-1"), ApiClient.Token);
        var removedAgain = await leader.SendAsync(Send(HttpMethod.Delete, $"/api/groups/{id}/members/idem-g-2", "remove-1"), ApiClient.Token);

        Assert.Equal([204, 204, 204, 204], new[] { left, leftAgain, removed, removedAgain }.Select(r => (int)r.StatusCode));
        Assert.Empty(await leftAgain.Content.ReadAsByteArrayAsync(ApiClient.Token));
        Assert.Empty(await removedAgain.Content.ReadAsByteArrayAsync(ApiClient.Token));
    }

    [Fact]
    public async Task A_request_refused_as_invalid_leaves_its_key_free_for_the_corrected_request()
    {
        var merchant = await factory.SignedInAsync("idem-fix", "merchant");

        var invalid = await merchant.SendAsync(Post("/api/products", new { sku = "idem-6", name = "Rice", price = -1, stock = 5 }, "create-6"), ApiClient.Token);
        var corrected = await merchant.SendAsync(Post("/api/products", new { sku = "idem-6", name = "Rice", price = 100, stock = 5 }, "create-6"), ApiClient.Token);
        var retried = await merchant.SendAsync(Post("/api/products", new { sku = "idem-6", name = "Rice", price = 100, stock = 5 }, "create-6"), ApiClient.Token);

        await invalid.AssertProblemAsync(400, "validation");
        Assert.Equal(201, (int)corrected.StatusCode);
        Assert.Equal(201, (int)retried.StatusCode);
    }

    [Fact]
    public async Task A_business_refusal_is_the_key_s_result_and_a_changed_request_under_it_is_a_conflict()
    {
        var sale = await ChatsApiTests.SaleAsync(factory);
        var shopper = await factory.SignedInAsync("idem-limit", "shopper");

        var refused = await shopper.SendAsync(Post($"/api/flash-sales/{sale}/purchases", new { quantity = 6 }, "buy-1"), ApiClient.Token);
        var again = await shopper.SendAsync(Post($"/api/flash-sales/{sale}/purchases", new { quantity = 6 }, "buy-1"), ApiClient.Token);
        var changed = await shopper.SendAsync(Post($"/api/flash-sales/{sale}/purchases", new { quantity = 1 }, "buy-1"), ApiClient.Token);

        await refused.AssertProblemAsync(422, "limit_exceeded");
        await again.AssertProblemAsync(422, "limit_exceeded");
        var problem = await changed.AssertProblemAsync(409, "conflict");
        Assert.Contains("different request", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_belong_to_one_caller_and_one_route()
    {
        var first = await factory.SignedInAsync("idem-a", "merchant");
        var second = await factory.SignedInAsync("idem-b", "merchant");

        var a = await first.SendAsync(Post("/api/products", new { sku = "idem-4a", name = "Rice", price = 1, stock = 1 }, "same"), ApiClient.Token);
        var b = await second.SendAsync(Post("/api/products", new { sku = "idem-4b", name = "Rice", price = 1, stock = 1 }, "same"), ApiClient.Token);
        var restock = await first.SendAsync(Post("/api/products/idem-4a/restock", new { quantity = 1 }, "same"), ApiClient.Token);

        Assert.Equal("idem-4a", (await a.JsonAsync())["sku"]!.GetValue<string>());
        Assert.Equal("idem-4b", (await b.JsonAsync())["sku"]!.GetValue<string>());
        Assert.Equal(200, (int)restock.StatusCode);
    }

    [Fact]
    public async Task An_idempotency_key_that_is_not_printable_ascii_is_refused()
    {
        var merchant = await factory.SignedInAsync("idem-v", "merchant");

        var response = await merchant.SendAsync(Post("/api/products", new { sku = "idem-5", name = "Rice", price = 1, stock = 1 }, new string('k', 129)), ApiClient.Token);

        await response.AssertProblemAsync(400, "validation");
    }

    [Fact]
    public async Task A_caller_at_its_key_limit_gets_429_with_Retry_After_until_its_oldest_key_expires()
    {
        await using var api = new ApiFactory { Clock = new ManualTimeProvider(DateTimeOffset.UtcNow) };
        api.Settings["Idempotency:MaxKeysPerCaller"] = "2";
        var merchant = await api.SignedInAsync("idem-cap", "merchant");
        (await merchant.PostAsJsonAsync("/api/products", new { sku = "idem-cap", name = "Rice", price = 100, stock = 5 }, ApiClient.Token)).EnsureSuccessStatusCode();
        var first = await merchant.SendAsync(Post("/api/products/idem-cap/restock", new { quantity = 1 }, "cap-1"), ApiClient.Token);
        api.Clock.Advance(TimeSpan.FromHours(1));
        (await merchant.SendAsync(Post("/api/products/idem-cap/restock", new { quantity = 1 }, "cap-2"), ApiClient.Token)).EnsureSuccessStatusCode();

        var refused = await merchant.SendAsync(Post("/api/products/idem-cap/restock", new { quantity = 1 }, "cap-3"), ApiClient.Token);
        var withoutKey = await merchant.PostAsJsonAsync("/api/products/idem-cap/restock", new { quantity = 1 }, ApiClient.Token);
        var replayed = await merchant.SendAsync(Post("/api/products/idem-cap/restock", new { quantity = 1 }, "cap-1"), ApiClient.Token);

        await refused.AssertProblemAsync(429, "rate_limited");
        Assert.Equal(TimeSpan.FromHours(23), refused.Headers.RetryAfter?.Delta);
        Assert.Equal(200, (int)withoutKey.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(ApiClient.Token), await replayed.Content.ReadAsStringAsync(ApiClient.Token));

        api.Clock.Advance(TimeSpan.FromHours(23) - TimeSpan.FromMilliseconds(1));
        merchant = await api.SignedInAsync("idem-cap", "merchant");   // the first token has expired meanwhile
        var stillFull = await merchant.SendAsync(Post("/api/products/idem-cap/restock", new { quantity = 1 }, "cap-3"), ApiClient.Token);
        await stillFull.AssertProblemAsync(429, "rate_limited");
        Assert.Equal(TimeSpan.FromSeconds(1), stillFull.Headers.RetryAfter?.Delta);
        api.Clock.Advance(TimeSpan.FromMilliseconds(1));

        var accepted = await merchant.SendAsync(Post("/api/products/idem-cap/restock", new { quantity = 1 }, "cap-3"), ApiClient.Token);

        Assert.Equal(200, (int)accepted.StatusCode);
        Assert.Equal(9, (await accepted.JsonAsync())["stock"]!["available"]!.GetValue<int>());
    }
}
