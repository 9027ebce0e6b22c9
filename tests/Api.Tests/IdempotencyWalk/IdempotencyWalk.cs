using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace GroupBuy.Api.Tests.IdempotencyWalk;

/// <summary>
/// A seeded random walk of keyed writes over the real API on a manual clock: shoppers buy from a flash sale, pay,
/// open, join and quick-join teams (half the time through the group, whose leader earns a commission on members'
/// orders), start, enter and close sign-up chains in a group; two merchants create campaigns
/// and products and restock. Keys are drawn from a small pool shared by every caller and route (so keys meet again on
/// the same route, on others and by other callers, also at the same moment), fresh, absent or malformed; writes are
/// retried, retried with another body, sent several at once, refused and retried; the clock passes pay-by times and
/// the keys' day; the server restarts on its database. Every answer is checked against the <see cref="KeyBook"/>
/// (what the key must answer) and, when the write ran, the <see cref="ShopModel"/>; the totals read back over HTTP
/// (orders, stock, the group, its chains, the leader's commissions) are checked every few steps.
/// </summary>
internal sealed partial class IdempotencyWalk(WalkServer server, int seed)
{
    private const string Merchant = "merchant";
    private const string SaleSku = "sale-sku";
    private const string StockSku = "stock-sku";
    private const string TeamSku = "team-sku";
    /// <summary>The stock the sale's and the team's products are created with.</summary>
    private const int SetUpStock = 100;
    /// <summary>Fewer than the shoppers' limits add up to, so the sale sells out.</summary>
    private const int SaleQuantity = 10;
    private const int PerUserLimit = 4;
    private const int SalePrice = 500;
    /// <summary>The leader's share of a referred order: rates that leave fractions of a cent (61.5 a unit of the sale), rounded down.</summary>
    private const decimal SaleCommissionRate = 0.123m;
    private const decimal GroupBuyCommissionRate = 0.107m;
    private static readonly TimeSpan PaymentWindow = TimeSpan.FromMinutes(5);
    private static readonly string[] Shoppers = ["s1", "s2", "s3"];

    private readonly Random _random = new(seed);
    private readonly List<string> _log = [];
    private readonly KeyBook _keys = new(WalkServer.MaxKeysPerCaller);
    private readonly List<Write> _sent = [];
    /// <summary>How often each verdict met each answer: what the walk covered.</summary>
    private readonly SortedDictionary<string, int> _tallies = new(StringComparer.Ordinal);
    private ShopModel _shop = null!;
    private string _sale = "";
    private string _groupBuy = "";
    private string _group = "";
    /// <summary>The window every campaign created during the walk has: it outlasts the walk, so no campaign gives its units back.</summary>
    private string _campaignsStart = "";
    private string _campaignsEnd = "";
    private string _pickupAt = "";
    private int _step;
    private int _freshKeys;

    public IReadOnlyList<string> Log => _log;

    /// <summary>No answer takes this long; a request still unanswered past it fails the walk rather than hanging it.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private static CancellationToken Token => ApiClient.Token;

    public async Task RunAsync(int steps)
    {
        await SetUpAsync();
        for (_step = 1; _step <= steps; _step++)
        {
            var roll = _random.Next(100);
            await (roll switch
            {
                < 16 => SendAsync(Purchase(PickShopper())),
                < 23 => PayAsync(),
                < 27 => SendAsync(Restock()),
                < 30 => SendAsync(CreateProduct()),
                < 36 => SendAsync(Seat(PickShopper())),
                < 41 => SendAsync(Chat(PickShopper())),
                < 50 => ChainStepAsync(),
                < 54 => SendAsync(CreateCampaign()),
                < 65 => RetryEarlierAsync(),
                < 69 => ReuseKeyForAnotherBodyAsync(),
                < 75 => SendTogetherAsync(),
                < 78 => SendByTwoCallersAtOnceAsync(),
                < 81 => SendDifferentBodiesTogetherAsync(),
                < 83 => FillKeysAsync(),
                < 86 => RefuseThenCorrectAsync(),
                < 90 => AdvanceAsync(PaymentWindow + TimeSpan.FromSeconds(_random.Next(1, 90))),
                < 93 => AdvanceAsync(KeyBook.Retention + TimeSpan.FromMinutes(_random.Next(1, 30))),
                _ => RestartAsync(),
            });
            if (_step % 4 == 0)
            {
                await CheckTotalsAsync();
            }
        }
        await CheckTotalsAsync();
        Note($"{_sent.Count} writes sent, {_shop.Orders.Count} orders ({_shop.Orders.Values.Count(o => o.Commission is not null)} referred); {string.Join(", ", _tallies.Select(t => $"{t.Key} ×{t.Value}"))}");
    }

    private async Task SetUpAsync()
    {
        await server.SignInAsync(Merchant, "merchant");
        await server.SignInAsync(OtherMerchant, "merchant");
        foreach (var shopper in Shoppers)
        {
            await server.SignInAsync(shopper, "shopper");
        }
        var merchant = server.Client(Merchant);
        var now = server.Now;
        foreach (var (sku, stock) in new[] { (SaleSku, SetUpStock), (StockSku, 5), (TeamSku, SetUpStock) })
        {
            await CreatedAsync(merchant, "/api/products", new { sku, name = "Lychees", price = 1_000, stock });
        }
        foreach (var owner in new[] { Merchant, OtherMerchant })
        {
            await CreatedAsync(server.Client(owner), "/api/products", new { sku = CampaignSku(owner), name = "Pears", price = 200, stock = CampaignStock });
        }
        _campaignsStart = Iso(now.AddMinutes(-1));
        _campaignsEnd = Iso(now.AddDays(60));
        _pickupAt = Iso(now.AddDays(7));
        var endsAt = now.AddDays(5);
        _sale = (await CreatedAsync(merchant, "/api/flash-sales", new
        {
            sku = SaleSku, price = SalePrice, quantity = SaleQuantity, perUserLimit = PerUserLimit, startsAt = now.AddMinutes(-1), endsAt,
            commissionRate = SaleCommissionRate,
        }))["id"]!.GetValue<string>();
        _groupBuy = (await CreatedAsync(merchant, "/api/group-buys", new
        {
            sku = TeamSku, price = 300, soloPrice = 1_000, teamSize = 3, teamWindowSeconds = 3_600, quantity = 50, startsAt = now.AddMinutes(-1), endsAt,
            commissionRate = GroupBuyCommissionRate,
        }))["id"]!.GetValue<string>();
        _shop = new ShopModel(SaleQuantity, PerUserLimit, SalePrice, endsAt) { StockAvailable = 5 };
        _shop.Skus.UnionWith([SaleSku, StockSku, TeamSku]);
        _group = (await CreatedAsync(server.Client(Shoppers[0]), "/api/groups", new { name = "Neighbours" }))["id"]!.GetValue<string>();
        _shop.GroupMembers.Add(Shoppers[0]);
        // A second member, so chains get entries from the start.
        (await server.Client(Shoppers[1]).PostAsync($"/api/groups/{_group}/members", null, Token)).EnsureSuccessStatusCode();
        _shop.GroupMembers.Add(Shoppers[1]);
        foreach (var owner in new[] { Merchant, OtherMerchant })
        {
            _shop.CampaignStock[CampaignSku(owner)] = CampaignStock;
        }
        Note($"seed {seed}: sale {_sale} of {SaleQuantity} (limit {PerUserLimit} a shopper), group buy {_groupBuy}, {StockSku} at 5, group {_group} led by {Shoppers[0]}");
    }

    private static async Task<JsonNode> CreatedAsync(HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body, Token);
        var answer = await Answer.ReadAsync(response);
        return answer.Status == 201 ? answer.Json : throw new WalkFailure($"set-up POST {path} answered {answer}: {answer.Body}");
    }

    private async Task<Answer> AnswerAsync(Write write)
    {
        using var request = write.Request();
        using var patience = Patience();
        using var response = await server.Client(write.Caller).SendAsync(request, patience.Token);
        var answer = await Answer.ReadAsync(response);
        if (answer.Status >= 500)
        {
            throw new WalkFailure($"{write} answered {answer}: {answer.Body}");
        }
        return answer;
    }

    private static CancellationTokenSource Patience()
    {
        var patience = CancellationTokenSource.CreateLinkedTokenSource(Token);
        patience.CancelAfter(RequestTimeout);
        return patience;
    }

    private string PickShopper() => Shoppers[_random.Next(Shoppers.Length)];

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    /// <summary>Mostly a key from a small pool every caller and route shares; sometimes none, a fresh one, or a malformed one.</summary>
    private string? PickKey() => _random.Next(40) switch
    {
        < 8 => null,
        < 26 => $"k{_random.Next(6)}",
        < 38 => FreshKey(),
        38 => "two words",
        _ => new string('k', 129),
    };

    private static string Iso(DateTimeOffset at) => at.ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    private string FreshKey() => $"f{seed}-{++_freshKeys}";

    private void Note(string line) => _log.Add($"{_step,3} {server.Now:MM-dd HH:mm:ss}: {line}");

    private static void Expect(bool condition, string failure)
    {
        if (!condition)
        {
            throw new WalkFailure(failure);
        }
    }
}

internal sealed class WalkFailure(string message) : Exception(message);
