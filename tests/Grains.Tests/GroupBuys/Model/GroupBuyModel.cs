using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.GroupBuys;
using GroupBuy.Grains.Interfaces.Orders;

namespace GroupBuy.Grains.Tests.GroupBuys.Model;

/// <summary>An order as the spec says it should be now.</summary>
internal sealed class ModelOrder(string id, ModelTeam team, string shopperId, long amount, DateTimeOffset payBy)
{
    public string Id => id;

    public ModelTeam Team => team;

    public string ShopperId => shopperId;

    public long Amount => amount;

    public DateTimeOffset PayBy => payBy;

    public OrderStatus Status { get; set; } = OrderStatus.PendingPayment;

    /// <summary>The gateway holds a charge for it (a paid order, or a charge whose answer was lost).</summary>
    public bool Charged { get; set; }

    /// <summary>When a refunded order's money must be back at the latest (a refund the gateway failed is retried later).</summary>
    public DateTimeOffset RefundBy { get; set; } = DateTimeOffset.MaxValue;

    public bool WasPaid => Status is OrderStatus.Paid or OrderStatus.Confirmed or OrderStatus.Refunded;

    public override string ToString() => $"{Id[..7]}…{Id[^2..]}({ShopperId}, {Status}{(Charged ? ", charged" : "")})";
}

/// <summary>A team as the spec says it should be now: its seats, in the order taken, and every order it made.</summary>
internal sealed class ModelTeam(string id, ModelCampaign campaign, long ordinal, DateTimeOffset expiresAt)
{
    public string Id => id;

    public ModelCampaign Campaign => campaign;

    public long Ordinal => ordinal;

    public DateTimeOffset ExpiresAt => expiresAt;

    public TeamStatus Status { get; set; } = TeamStatus.Forming;

    public bool IsForming => Status == TeamStatus.Forming;

    /// <summary>Seats held (pending or paid); a failed team keeps the seats it had when it failed.</summary>
    public List<ModelOrder> Seats { get; } = [];

    public List<ModelOrder> Orders { get; } = [];

    public long Version { get; set; }

    public string NextOrderId => OrderIds.ForTeam(Id, Orders.Count + 1);

    public int Needed => Campaign.Draft.TeamSize - Seats.Count;

    public override string ToString() => $"team {Id[..6]}#{Ordinal} {Status} [{string.Join(", ", Seats)}] until {ExpiresAt:HH:mm:ss}";
}

/// <summary>A campaign as the spec says it should be now.</summary>
internal sealed class ModelCampaign(string id, GroupBuyDraft draft)
{
    public string Id => id;

    public GroupBuyDraft Draft => draft;

    public List<ModelTeam> Teams { get; } = [];

    public IEnumerable<ModelTeam> Forming => Teams.Where(t => t.IsForming);

    /// <summary>Units of succeeded teams.</summary>
    public int Sold { get; set; }

    public long Version { get; set; }

    /// <summary>Seats pending or paid in forming teams: the units live teams hold.</summary>
    public int Held => Forming.Sum(t => t.Seats.Count);

    public int Remaining => Math.Max(0, Draft.Quantity - Held - Sold);

    /// <summary>Units given back to the product: none while the campaign runs, every unsold one once it has ended.</summary>
    public int ReleasedAt(DateTimeOffset now) => now >= Draft.EndsAt ? Draft.Quantity - Sold - Held : 0;

    public GroupBuyStatus StatusAt(DateTimeOffset now) =>
        now < Draft.StartsAt ? GroupBuyStatus.Scheduled
        : now >= Draft.EndsAt ? GroupBuyStatus.Ended
        : Remaining == 0 ? GroupBuyStatus.SoldOut
        : GroupBuyStatus.Live;

    public ModelOrder? SeatOf(string shopperId) => Forming.SelectMany(t => t.Seats).FirstOrDefault(o => o.ShopperId == shopperId);

    /// <summary>Why the campaign turns a shopper away before any team is asked (open a team, quick-join).</summary>
    public string? AdmitRefusal(DateTimeOffset now, string shopperId) => StatusAt(now) switch
    {
        GroupBuyStatus.Scheduled => ErrorCodes.NotStarted,
        GroupBuyStatus.Ended => ErrorCodes.Ended,
        GroupBuyStatus.SoldOut => ErrorCodes.SoldOut,
        _ => SeatOf(shopperId) is null ? null : ErrorCodes.AlreadyMember,
    };

    /// <summary>The team a quick-join goes to: the fewest free seats (at least one), then the earliest opened; null opens a new team.</summary>
    public ModelTeam? QuickJoinTarget(DateTimeOffset now) =>
        Forming.Where(t => t.ExpiresAt > now && t.Needed > 0).OrderBy(t => t.Needed).ThenBy(t => t.Ordinal).FirstOrDefault();

    /// <summary>The forming teams a shopper is offered, as the campaign lists them.</summary>
    public List<OpenTeam> OpenTeams(DateTimeOffset now) =>
        [.. Forming.Where(t => t.Needed > 0 && t.Needed < Draft.TeamSize && t.ExpiresAt > now)
            .OrderBy(t => t.Needed).ThenBy(t => t.Ordinal).Take(20).Select(t => new OpenTeam(t.Id, t.Needed, t.ExpiresAt))];

    public override string ToString() =>
        $"campaign {Id} size {Draft.TeamSize} qty {Draft.Quantity} sold {Sold} held {Held} {Draft.StartsAt:HH:mm}–{Draft.EndsAt:HH:mm}";
}
