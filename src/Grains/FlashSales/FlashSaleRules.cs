using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.FlashSales;
using GroupBuy.Grains.Interfaces.Referrals;

namespace GroupBuy.Grains.FlashSales;

/// <summary>The checks of a flash sale's commands: pure functions of the draft, the ledger and the time.</summary>
internal static class FlashSaleRules
{
    /// <summary>Why the draft cannot become a sale, or null when it can.</summary>
    public static string? Check(string saleId, FlashSaleDraft draft) => draft switch
    {
        _ when saleId.Contains('.', StringComparison.Ordinal) => "A flash sale id cannot contain dots.",
        { Sku: null or "" } => "A flash sale needs the sku of its product.",
        { Quantity: < 1 } => "A flash sale sells at least one unit.",
        { PerUserLimit: < 1 } => "The per-shopper limit is at least one unit.",
        { Price: < 0 } => "The price cannot be negative.",
        _ when !CommissionRates.IsValid(draft.CommissionRate) => "The commission rate must be from 0 to 0.5.",
        _ when draft.StartsAt >= draft.EndsAt => "A flash sale must start before it ends.",
        _ => null,
    };

    /// <summary>Why this purchase is refused now, or null when it can be placed.</summary>
    public static DomainError? RefusePurchase(FlashSaleLedger ledger, FlashSaleDraft sale, string shopperId, int quantity, DateTimeOffset now)
    {
        if (now < sale.StartsAt)
        {
            return new(ErrorCodes.NotStarted, $"The sale starts at {sale.StartsAt:O}.");
        }
        if (now >= sale.EndsAt)
        {
            return new(ErrorCodes.Ended, $"The sale ended at {sale.EndsAt:O}.");
        }
        var held = ledger.HeldBy(shopperId);
        if (held + quantity > sale.PerUserLimit)
        {
            return new(ErrorCodes.LimitExceeded, $"A shopper may hold {sale.PerUserLimit} units of this sale; you hold {held}.");
        }
        if (ledger.Remaining < quantity)
        {
            return new(ErrorCodes.SoldOut, $"Only {ledger.Remaining} units are left.");
        }
        return null;
    }
}
