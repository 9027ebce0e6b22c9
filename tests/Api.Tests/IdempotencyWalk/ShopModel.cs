namespace GroupBuy.Api.Tests.IdempotencyWalk;

/// <summary>An order the server acknowledged, as the walk knows it.</summary>
internal sealed class WalkOrder(string id, string owner, bool flashSale, int quantity, DateTimeOffset payBy, string? key, DateTimeOffset? teamExpiresAt = null)
{
    /// <summary>What the order costs.</summary>
    public long Amount { get; init; }

    /// <summary>What the group's leader earns on it; null when no one referred it.</summary>
    public long? Commission { get; init; }

    public string Id { get; } = id;
    public string Owner { get; } = owner;
    public bool FlashSale { get; } = flashSale;
    public int Quantity { get; } = quantity;
    public DateTimeOffset PayBy { get; } = payBy;

    /// <summary>The key the purchase was placed under: the sale keeps it with the order.</summary>
    public string? Key { get; } = key;

    public bool Paid { get; set; }

    /// <summary>A seat's team: past this it has either formed or failed, and a paid seat of a failed team is refunded.</summary>
    public DateTimeOffset? TeamExpiresAt { get; } = teamExpiresAt;

    public bool MayBeRefunded(DateTimeOffset now) => Paid && now >= TeamExpiresAt;

    /// <summary>Unpaid at its pay-by time: cancelled, whether or not the server's clock has come round to it yet.</summary>
    public bool IsClosed(DateTimeOffset now) => !Paid && now >= PayBy;

    public bool Holds(DateTimeOffset now) => Paid || now < PayBy;

    /// <summary>
    /// The statuses the server may show now: paid (a seat confirmed once its team formed, refunded once it failed); pending
    /// until its pay-by time or its team's end, and then pending or cancelled until the clock's tick comes round.
    /// </summary>
    public string[] Statuses(DateTimeOffset now) =>
        Paid ? FlashSale ? ["paid"] : MayBeRefunded(now) ? ["paid", "confirmed", "refunded"] : ["paid", "confirmed"]
        : now < PayBy && (TeamExpiresAt is null || now < TeamExpiresAt) ? ["pending_payment"]
        : ["pending_payment", "cancelled"];
}

/// <summary>A sign-up chain on the walk's flash sale: open until its leader closes it, one line per member.</summary>
internal sealed class WalkChain(string id)
{
    public string Id { get; } = id;
    public bool Closed { get; set; }
    public List<WalkOrder> Entries { get; } = [];
}

/// <summary>A campaign a merchant created: its units stay reserved on its product while the walk lasts.</summary>
internal sealed record WalkCampaign(string Id, string Sku, int Quantity, string Body);

/// <summary>The plain model of the shop: one flash sale, one product being restocked, the skus created, every order, one group chat and its chains, the campaigns created.</summary>
internal sealed class ShopModel(int saleQuantity, int perUserLimit, int salePrice, DateTimeOffset saleEndsAt)
{
    public int SaleQuantity { get; } = saleQuantity;
    public int PerUserLimit { get; } = perUserLimit;
    public int SalePrice { get; } = salePrice;
    public DateTimeOffset SaleEndsAt { get; } = saleEndsAt;
    public int StockAvailable { get; set; }
    public HashSet<string> Skus { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, WalkOrder> Orders { get; } = new(StringComparer.Ordinal);
    public List<string> Teams { get; } = [];
    public HashSet<string> GroupMembers { get; } = new(StringComparer.Ordinal);
    public long Messages { get; set; }
    public Dictionary<string, WalkChain> Chains { get; } = new(StringComparer.Ordinal);
    public List<WalkCampaign> Campaigns { get; } = [];

    /// <summary>The campaign each caller's key created, by kind: the id a create under that key is derived from.</summary>
    public Dictionary<(string Caller, WriteKind Kind, string Key), WalkCampaign> CampaignsByKey { get; } = [];

    /// <summary>The stock each campaign product started with; nothing else takes from it.</summary>
    public Dictionary<string, int> CampaignStock { get; } = new(StringComparer.Ordinal);

    public int CampaignReserved(string sku) => Campaigns.Where(c => c.Sku == sku).Sum(c => c.Quantity);

    public IEnumerable<WalkOrder> SaleOrders => Orders.Values.Where(o => o.FlashSale);

    public int Held(string shopper, DateTimeOffset now) => SaleOrders.Where(o => o.Owner == shopper && o.Holds(now)).Sum(o => o.Quantity);

    public int Remaining(DateTimeOffset now) => SaleQuantity - SaleOrders.Where(o => o.Holds(now)).Sum(o => o.Quantity);

    public int Sold => SaleOrders.Where(o => o.Paid).Sum(o => o.Quantity);

    /// <summary>Units of unpaid orders: those still within their pay-by time, and those past it the sale may not have cancelled yet.</summary>
    public (int Least, int Most) Reserved(DateTimeOffset now) =>
        (SaleOrders.Where(o => !o.Paid && now < o.PayBy).Sum(o => o.Quantity), SaleOrders.Where(o => !o.Paid).Sum(o => o.Quantity));

    public WalkOrder? ByKey(string shopper, string? key) =>
        key is null ? null : SaleOrders.FirstOrDefault(o => o.Owner == shopper && o.Key == key);

    /// <summary>What a purchase that runs must answer: the status and code, or 201 for a new order.</summary>
    public (int Status, string? Code) Purchase(string shopper, int quantity, DateTimeOffset now) =>
        quantity < 1 ? (400, "validation")
        : now >= SaleEndsAt ? (409, "ended")
        : Held(shopper, now) + quantity > PerUserLimit ? (422, "limit_exceeded")
        : Remaining(now) < quantity ? (409, "sold_out")
        : (201, null);
}
