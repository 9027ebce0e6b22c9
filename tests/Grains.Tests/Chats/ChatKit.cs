using GroupBuy.Grains.Interfaces;
using GroupBuy.Grains.Interfaces.Chats;
using GroupBuy.Grains.Interfaces.FlashSales;
using GroupBuy.Grains.Interfaces.Products;
using GroupBuy.Runtime.Testing;

namespace GroupBuy.Grains.Tests.Chats;

/// <summary>Groups, members and deals for the chat tests.</summary>
internal static class ChatKit
{
    public const string GroupId = "g1";
    public const long Price = 1_990;

    public static Shopper Person(string id) => new(id, $"name of {id}");

    public static IGroupChatGrain Group(this TestCluster silo, string id = GroupId) => silo.GrainFactory.GetGrain<IGroupChatGrain>(id);

    public static IChainGrain Chain(this TestCluster silo, string id) => silo.GrainFactory.GetGrain<IChainGrain>(id);

    /// <summary>A group led by <c>leader</c> with the given members.</summary>
    public static async Task<IGroupChatGrain> StartGroupAsync(this TestCluster silo, IEnumerable<string> members, string id = GroupId)
    {
        var group = silo.Group(id);
        (await group.Create("Sunny Garden neighbours", Person("leader"))).Unwrap();
        foreach (var member in members)
        {
            (await group.Join(Person(member))).Unwrap();
        }
        return group;
    }

    /// <summary>A live flash sale of <paramref name="quantity"/> units with the merchant's commission rate.</summary>
    public static async Task<IFlashSaleGrain> StartSaleAsync(this TestCluster silo, string saleId, int quantity, int perUserLimit = 5, decimal commissionRate = 0)
    {
        var sku = $"sku-{saleId}";
        (await silo.GrainFactory.GetGrain<IProductGrain>(sku).Create(new ProductDraft(sku, "Peaches", Price, quantity, "m1"))).Unwrap();
        var now = silo.Clock.GetUtcNow();
        var sale = silo.GrainFactory.GetGrain<IFlashSaleGrain>(saleId);
        (await sale.Create(new FlashSaleDraft(sku, Price, quantity, now, now.AddHours(2), perUserLimit, "m1", commissionRate))).Unwrap();
        return sale;
    }

    public static ChainDraft ChainFor(string saleId) =>
        new("Peaches for Saturday", "Two boxes at most", saleId, new ChainPickup("Gate 3 kiosk", new DateTimeOffset(2030, 5, 4, 10, 0, 0, TimeSpan.Zero)));

    public static async Task<List<ChatMessage>> AllMessagesAsync(this IGroupChatGrain group, string reader, int pageSize = 200)
    {
        List<ChatMessage> all = [];
        while (true)
        {
            var page = (await group.Messages(reader, all.Count == 0 ? 0 : all[^1].Seq, pageSize)).Unwrap();
            if (page.Count == 0)
            {
                return all;
            }
            all.AddRange(page);
        }
    }
}
