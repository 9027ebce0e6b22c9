using GroupBuy.Grains.Interfaces.Products;
using GroupBuy.Grains.Tests.FlashSales;
using GroupBuy.Grains.Tests.GroupBuys.Model;

namespace GroupBuy.Grains.Tests.Products.Model;

/// <summary>A flash sale of the walk and the product it took its units from (<see cref="ModelSale"/> knows no sku).</summary>
internal sealed record SaleOnProduct(ModelSale Sale, string Sku);

/// <summary>
/// One product's stock as domain.md has it, from the campaigns that reserved on it: a campaign takes its whole quantity
/// at creation; paid units become sold; at its end (a flash sale's once nothing is pending) the rest goes back.
/// </summary>
internal sealed class ModelProduct(string sku, int stock)
{
    public string Sku => sku;

    /// <summary>Every unit ever added: the initial stock and every restock. available + reserved + sold is always this.</summary>
    public int Added { get; private set; } = stock;

    public void Restock(int quantity) => Added += quantity;

    /// <summary>The levels once every campaign has told the product what it sold and gave back.</summary>
    public StockLevels Settled(IEnumerable<SaleOnProduct> sales, IEnumerable<ModelCampaign> campaigns, DateTimeOffset now)
    {
        var mySales = sales.Where(s => s.Sku == sku).Select(s => s.Sale).ToList();
        var myCampaigns = campaigns.Where(c => c.Draft.Sku == sku).ToList();
        var quantity = mySales.Sum(s => s.Quantity) + myCampaigns.Sum(c => c.Draft.Quantity);
        var sold = mySales.Sum(s => s.Sold) + myCampaigns.Sum(c => c.Sold);
        var released = mySales.Sum(s => ReleasedBy(s, now)) + myCampaigns.Sum(c => c.ReleasedAt(now));
        var reserved = quantity - sold - released;
        return new StockLevels(Added - reserved - sold, reserved, sold);
    }

    /// <summary>A flash sale gives its unsold units back once it has ended and no order is pending any more.</summary>
    public static int ReleasedBy(ModelSale sale, DateTimeOffset now) =>
        now >= sale.EndsAt && !sale.HasPending ? sale.Quantity - sale.Sold : 0;
}
