using GroupBuy.Runtime.Hosting;

namespace GroupBuy.Grains.Common;

/// <summary>Order settings, bound from the <c>Orders</c> configuration section.</summary>
public sealed class OrderOptions
{
    public const string Section = "Orders";

    /// <summary>How long an order may stay unpaid before it is cancelled and its units return.</summary>
    [TimeSpanRange("00:00:01", "7.00:00:00")]
    public TimeSpan PaymentWindow { get; set; } = TimeSpan.FromMinutes(5);
}
