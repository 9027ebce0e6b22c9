using System.Diagnostics.Metrics;
using GroupBuy.Grains.Interfaces.GroupBuys;
using GroupBuy.Grains.Interfaces.Orders;

namespace GroupBuy.Grains.Diagnostics;

/// <summary>
/// What the commerce grains decide (meter <c>GroupBuy.Commerce</c>): orders by the status they move to, purchases and
/// joins refused by their code, teams closed by their outcome. The HTTP server's own metrics count requests by route
/// and status; these say what a 409 was (<c>sold_out</c> or <c>ended</c>), and count what no request shows, such as
/// orders cancelled at their pay-by time and teams failed at their deadline. A change is counted when the grain
/// decides it; a write that then fails (its caller gets an error) has been counted all the same.
/// </summary>
public sealed class CommerceMetrics
{
    public const string MeterName = "GroupBuy.Commerce";

    private static readonly string[] Kinds = ["flash_sale", "group_buy"];
    private static readonly string[] Statuses = ["pending_payment", "paid", "confirmed", "cancelled", "refunded"];

    private readonly Counter<long> _orders;
    private readonly Counter<long> _refusals;
    private readonly Counter<long> _teamsClosed;

    public CommerceMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _orders = meter.CreateCounter<long>("groupbuy.orders", unit: "{order}",
            description: "Orders moved to a status (pending_payment when placed), by order kind and status.");
        _refusals = meter.CreateCounter<long>("groupbuy.refusals", unit: "{request}",
            description: "Flash-sale purchases and team seats refused, by order kind and error code.");
        _teamsClosed = meter.CreateCounter<long>("groupbuy.teams.closed", unit: "{team}",
            description: "Group-buy teams closed, by outcome (succeeded or failed).");
    }

    public void OrdersMoved(OrderKind kind, OrderStatus status, int count = 1)
    {
        if (_orders.Enabled && count > 0)
        {
            _orders.Add(count, new("order.kind", Kinds[(int)kind]), new("order.status", Statuses[(int)status]));
        }
    }

    public void Refused(OrderKind kind, string code)
    {
        if (_refusals.Enabled)
        {
            _refusals.Add(1, new("order.kind", Kinds[(int)kind]), new("error.code", code));
        }
    }

    public void TeamClosed(TeamStatus outcome)
    {
        if (_teamsClosed.Enabled)
        {
            _teamsClosed.Add(1, new KeyValuePair<string, object?>("team.outcome", outcome == TeamStatus.Succeeded ? "succeeded" : "failed"));
        }
    }
}
