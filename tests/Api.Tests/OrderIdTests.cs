using System.Collections.Concurrent;
using GroupBuy.Grains.Interfaces.FlashSales;
using GroupBuy.Grains.Interfaces.GroupBuys;
using GroupBuy.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBuy.Api.Tests;

/// <summary>
/// Order ids name their owner grain, so the order routes take only the shapes the server mints
/// (<c>fs|gb</c>.32 lowercase hex.positive number): anything else is an unknown order, and no grain is asked for it.
/// </summary>
public sealed class OrderIdTests : IAsyncLifetime
{
    private readonly ApiFactory _api = new();

    /// <summary>The keys of the order-owning grains the API asked for, in the order asked.</summary>
    private readonly ConcurrentQueue<string> _ownerKeys = new();

    private const string Hex = "0123456789abcdef0123456789abcdef";

    public ValueTask InitializeAsync()
    {
        _api.TestServices = services =>
        {
            var inner = services.Last(d => d.ServiceType == typeof(IGrainFactory));
            services.AddSingleton<IGrainFactory>(sp => new RecordingGrainFactory(
                (IGrainFactory)(inner.ImplementationFactory?.Invoke(sp) ?? inner.ImplementationInstance!), _ownerKeys));
        };
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _api.DisposeAsync();

    public static TheoryData<string> CraftedIds() =>
    [
        $"fs.{new string('a', 5000)}.1",               // an owner key of any length
        $"gb.{Hex}{Hex}.1",
        $"fs.{Hex[..31]}.1",
        $"fs.{Hex.ToUpperInvariant()}.1",              // the server's hex is lowercase
        "fs.peaches.1",
        "gb.some-team_key.1",
        $"fs.{Hex[..31]}%C3%A9.1",                     // a non-ASCII character in the owner key
        $"fs.{Hex}.01",                                // a sequence the server never writes
        $"fs.{Hex}.%2B1",
        $"fs.{Hex}.%201",
        $"fs.{Hex}.0",
        $"fs.{Hex}.-1",
        $"fs.{Hex}.99999999999999999999",              // beyond a long
        $"fs.{Hex}.1.2",
        $"xx.{Hex}.1",
        $"FS.{Hex}.1",
        $"fs..{Hex}.1",
    ];

    [Theory]
    [MemberData(nameof(CraftedIds))]
    public async Task An_order_id_of_a_shape_the_server_never_issues_is_not_found_and_reaches_no_grain(string id)
    {
        var shopper = await _api.SignedInAsync("oid-shopper", "shopper");

        var read = await shopper.GetAsync($"/api/orders/{id}", ApiClient.Token);
        var pay = await shopper.PostAsync($"/api/orders/{id}/pay", null, ApiClient.Token);

        await read.AssertProblemAsync(404, "not_found");
        await pay.AssertProblemAsync(404, "not_found");
        Assert.Empty(_ownerKeys);
    }

    [Fact]
    public async Task Ids_the_server_issued_are_read_and_paid_and_an_unknown_one_of_their_shape_is_not_found()
    {
        var campaign = await GroupBuysApiTests.CampaignAsync(_api, teamSize: 2);
        var shopper = await _api.SignedInAsync("oid-buyer", "shopper");
        var opened = await (await shopper.PostAsync($"/api/group-buys/{campaign}/teams", null, ApiClient.Token)).JsonAsync();
        var orderId = opened["order"]!["id"]!.GetValue<string>();
        var teamId = opened["team"]!["id"]!.GetValue<string>();

        var read = await shopper.GetAsync($"/api/orders/{orderId}", ApiClient.Token);
        var paid = await shopper.PostAsync($"/api/orders/{orderId}/pay", null, ApiClient.Token);
        var unknown = await shopper.GetAsync($"/api/orders/gb.{teamId}.999", ApiClient.Token);

        Assert.Equal($"gb.{teamId}.1", orderId);
        Assert.Equal(orderId, (await read.JsonAsync())["id"]!.GetValue<string>());
        Assert.Equal("paid", (await paid.JsonAsync())["status"]!.GetValue<string>());
        await unknown.AssertProblemAsync(404, "not_found");
        Assert.Contains(teamId, _ownerKeys);
    }

    /// <summary>Hands out the real references, noting the key of every flash sale and team asked for.</summary>
    private sealed class RecordingGrainFactory(IGrainFactory inner, ConcurrentQueue<string> ownerKeys) : IGrainFactory
    {
        public TGrain GetGrain<TGrain>(string key) where TGrain : IGrainWithStringKey
        {
            if (typeof(TGrain) == typeof(IFlashSaleGrain) || typeof(TGrain) == typeof(ITeamGrain))
            {
                ownerKeys.Enqueue(key);
            }
            return inner.GetGrain<TGrain>(key);
        }

        public TGrain GetGrain<TGrain>(Guid key) where TGrain : IGrainWithGuidKey => inner.GetGrain<TGrain>(key);

        public TGrain GetGrain<TGrain>(long key) where TGrain : IGrainWithIntegerKey => inner.GetGrain<TGrain>(key);
    }
}
