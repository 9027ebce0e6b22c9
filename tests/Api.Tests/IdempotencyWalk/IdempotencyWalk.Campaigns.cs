namespace GroupBuy.Api.Tests.IdempotencyWalk;

/// <summary>
/// Campaigns created by two merchants, each on a product of its own: a create under a key derives the campaign's id
/// from it, so whenever the key is met again the same terms get the same campaign and other terms a conflict, and
/// the product's units are reserved once.
/// </summary>
internal sealed partial class IdempotencyWalk
{
    private const string OtherMerchant = "merchant2";
    private const int CampaignStock = 40;

    private static string CampaignSku(string merchant) => $"camp-{merchant}";

    /// <summary>A flash sale or a group buy of 4 or 7 units (sometimes none, which is invalid) on the merchant's own product.</summary>
    private Write CreateCampaign(string? merchant = null, string? key = null, int? quantity = null, WriteKind? kind = null)
    {
        var caller = merchant ?? (_random.Next(4) == 0 ? OtherMerchant : Merchant);
        var sku = CampaignSku(caller);
        var units = quantity ?? (_random.Next(10) == 0 ? 0 : _random.Next(2) == 0 ? 4 : 7);
        var window = $"\"startsAt\":\"{_campaignsStart}\",\"endsAt\":\"{_campaignsEnd}\"";
        return (kind ?? (_random.Next(2) == 0 ? WriteKind.CreateFlashSale : WriteKind.CreateGroupBuy)) == WriteKind.CreateFlashSale
            ? new Write(caller, WriteKind.CreateFlashSale, "/api/flash-sales",
                $"{{\"sku\":\"{sku}\",\"price\":200,\"quantity\":{units},\"perUserLimit\":2,{window}}}", key ?? PickKey(), units, sku)
            : new Write(caller, WriteKind.CreateGroupBuy, "/api/group-buys",
                $"{{\"sku\":\"{sku}\",\"price\":150,\"soloPrice\":200,\"teamSize\":2,\"teamWindowSeconds\":600,\"quantity\":{units},{window}}}", key ?? PickKey(), units, sku);
    }

    private void RanCampaign(Write write, Answer answer)
    {
        if (write.Quantity < 1)
        {
            ExpectCode(write, answer, 400, "validation");
            return;
        }
        if (write.Key is not null && _shop.CampaignsByKey.TryGetValue((write.Caller, write.Kind, write.Key), out var earlier))
        {
            // The key's answer has expired but its campaign has not: the same terms are that campaign, other terms a conflict.
            if (earlier.Body != write.Body)
            {
                ExpectCode(write, answer, 409, "conflict");
                return;
            }
            ExpectCode(write, answer, 201, null);
            Expect(answer.Json["id"]!.GetValue<string>() == earlier.Id, $"{write}: the key created campaign {earlier.Id}, answered {answer.Body}");
            return;
        }
        if (_shop.CampaignStock[write.Target] - _shop.CampaignReserved(write.Target) < write.Quantity)
        {
            ExpectCode(write, answer, 409, "insufficient_stock");
            return;
        }
        ExpectCode(write, answer, 201, null);
        var id = answer.Json["id"]!.GetValue<string>();
        var route = write.Kind == WriteKind.CreateFlashSale ? "/api/flash-sales" : "/api/group-buys";
        Expect(_shop.Campaigns.All(c => c.Id != id) && answer.Json["quantity"]!.GetValue<int>() == write.Quantity && answer.Location == $"{route}/{id}",
            $"{write}: a new campaign of {write.Quantity} expected, got {answer} {answer.Body}");
        var campaign = new WalkCampaign(id, write.Target, write.Quantity, write.Body!);
        _shop.Campaigns.Add(campaign);
        if (write.Key is not null)
        {
            _shop.CampaignsByKey[(write.Caller, write.Kind, write.Key)] = campaign;
        }
    }

    /// <summary>Each campaign product's units: reserved exactly once per campaign; the walk's other products lose no unit.</summary>
    private async Task CheckStockAsync()
    {
        foreach (var merchant in new[] { Merchant, OtherMerchant })
        {
            var sku = CampaignSku(merchant);
            var stock = (await ReadAsync(merchant, $"/api/products/{sku}"))["stock"]!;
            var reserved = _shop.CampaignReserved(sku);
            Expect(stock["available"]!.GetValue<int>() == _shop.CampaignStock[sku] - reserved && stock["reserved"]!.GetValue<int>() == reserved
                && stock["sold"]!.GetValue<int>() == 0,
                $"{sku} reads {stock.ToJsonString()}; the model has {reserved} of {_shop.CampaignStock[sku]} reserved by {_shop.Campaigns.Count(c => c.Sku == sku)} campaigns");
        }
        foreach (var sku in new[] { SaleSku, TeamSku })
        {
            var stock = (await ReadAsync(Merchant, $"/api/products/{sku}"))["stock"]!;
            var total = stock["available"]!.GetValue<int>() + stock["reserved"]!.GetValue<int>() + stock["sold"]!.GetValue<int>();
            Expect(total == SetUpStock, $"{sku} reads {stock.ToJsonString()}: {total} units, not the {SetUpStock} it was created with");
        }
    }
}
