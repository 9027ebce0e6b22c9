using System.Net.Http.Json;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Grains.Orders;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBuy.Api.Tests;

/// <summary>A payment gateway that fails is a 503 <c>payment_unavailable</c>, never a 500, and the order stays payable.</summary>
public sealed class PaymentFailureTests : IAsyncDisposable
{
    private readonly ApiFactory _api = new();
    private readonly FlakyGateway _gateway = new();
    private readonly Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> _factory;

    public PaymentFailureTests() =>
        _factory = _api.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IPaymentGateway>(_gateway)));

    [Fact]
    public async Task A_flash_sale_order_whose_charge_fails_answers_503_and_can_be_paid_once_the_gateway_is_back()
    {
        var merchant = await _factory.SignedInAsync("pf-merchant", "merchant");
        var now = DateTimeOffset.UtcNow;
        (await merchant.PostAsJsonAsync("/api/products", new { sku = "pf-sku", name = "Tea", price = 100, stock = 10 }, ApiClient.Token)).EnsureSuccessStatusCode();
        var saleId = (await (await merchant.PostAsJsonAsync("/api/flash-sales", new { sku = "pf-sku", price = 50, quantity = 5, startsAt = now.AddMinutes(-1), endsAt = now.AddHours(1), perUserLimit = 1 }, ApiClient.Token)).JsonAsync())["id"]!.GetValue<string>();
        var shopper = await _factory.SignedInAsync("pf-shopper", "shopper");
        var orderId = (await (await shopper.PostAsJsonAsync($"/api/flash-sales/{saleId}/purchases", new { quantity = 1 }, ApiClient.Token)).JsonAsync())["id"]!.GetValue<string>();

        await AssertFailedThenPaidAsync(shopper, orderId);
    }

    [Fact]
    public async Task A_team_seat_whose_charge_fails_answers_503_and_can_be_paid_once_the_gateway_is_back()
    {
        var campaignId = await GroupBuysApiTests.CampaignAsync(_factory, teamSize: 2);
        var shopper = await _factory.SignedInAsync("pf-leader", "shopper");
        var orderId = (await (await shopper.PostAsync($"/api/group-buys/{campaignId}/teams", null, ApiClient.Token)).JsonAsync())["order"]!["id"]!.GetValue<string>();

        await AssertFailedThenPaidAsync(shopper, orderId);
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _api.DisposeAsync();
    }

    private async Task AssertFailedThenPaidAsync(HttpClient shopper, string orderId)
    {
        _gateway.Failing = true;
        var refused = await shopper.PostAsync($"/api/orders/{orderId}/pay", null, ApiClient.Token);
        var meanwhile = await (await shopper.GetAsync($"/api/orders/{orderId}", ApiClient.Token)).JsonAsync();
        _gateway.Failing = false;
        var paid = await shopper.PostAsync($"/api/orders/{orderId}/pay", null, ApiClient.Token);

        await refused.AssertProblemAsync(503, "payment_unavailable");
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal("pending_payment", meanwhile["status"]!.GetValue<string>());
        Assert.Equal(200, (int)paid.StatusCode);
        Assert.Equal("paid", (await paid.JsonAsync())["status"]!.GetValue<string>());
    }

    /// <summary>The shipped simulated gateway, made to fail on demand (as an unreachable gateway would).</summary>
    private sealed class FlakyGateway : IPaymentGateway
    {
        private readonly SimulatedPaymentGateway _inner = new(TimeProvider.System);

        public volatile bool Failing;

        public Task<PaymentReceipt> ChargeAsync(string paymentId, string shopperId, long amount, CancellationToken cancellationToken) =>
            Failing ? throw new HttpRequestException("gateway unreachable") : _inner.ChargeAsync(paymentId, shopperId, amount, cancellationToken);

        public Task RefundAsync(string paymentId, CancellationToken cancellationToken) => _inner.RefundAsync(paymentId, cancellationToken);

        public Task<PaymentReceipt?> SettleChargeAsync(string paymentId, CancellationToken cancellationToken) =>
            Failing ? throw new HttpRequestException("gateway unreachable") : _inner.SettleChargeAsync(paymentId, cancellationToken);
    }
}
