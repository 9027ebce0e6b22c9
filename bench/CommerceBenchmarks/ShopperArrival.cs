namespace GroupBuy.CommerceBenchmarks;

/// <summary>
/// The order shoppers arrive in. Each pass over the pool serves every shopper once, so limits run out evenly; by
/// default in an order shuffled once with a fixed seed, as shoppers arrive in a real sale and as the Redis baseline
/// draws them (<c>redis-benchmark -r</c>). <c>--order rotation</c> takes them in id order instead, which lays every
/// per-shopper row of a durable design down in key order, sequential writes a real sale never gets.
/// </summary>
internal static class ShopperArrival
{
    private const int Seed = 20261122;

    public static int[] Create(int shoppers, bool shuffled)
    {
        var order = Enumerable.Range(0, shoppers).ToArray();
        if (shuffled)
        {
            new Random(Seed).Shuffle(order);
        }
        return order;
    }

    public static string Describe(bool shuffled) => shuffled ? "shuffled" : "in rotation (id order)";
}
