using GroupBuy.Runtime;

namespace GroupBuy.Grains.Interfaces.Campaigns;

/// <summary>Which kind of campaign an entry names.</summary>
public enum CampaignKind
{
    FlashSale,
    GroupBuy,
}

/// <summary>
/// A campaign as a directory lists it: enough to find it and to title it; its live state is read from its own grain.
/// <paramref name="ProductPrice"/> is the product's own price when the campaign launched, the price a list strikes
/// through beside the campaign's (none in entries listed before it was kept).
/// </summary>
public sealed record CampaignEntry(CampaignKind Kind, string Id, string Sku, string ProductName, string MerchantId, DateTimeOffset StartsAt, DateTimeOffset EndsAt,
    long? ProductPrice = null);

/// <summary>The directories' keys.</summary>
public static class CampaignDirectories
{
    public const string Public = "public";

    public static string ForMerchant(string merchantId) => "merchant:" + merchantId;
}

/// <summary>
/// A list of campaigns (key: <see cref="CampaignDirectories.Public"/> for everything not yet ended, or <c>merchant:{id}</c> for one
/// merchant's own). Campaign creation registers with both; registering the same id again changes nothing.
/// </summary>
public interface ICampaignDirectoryGrain : IGrainWithStringKey
{
    Task Register(CampaignEntry entry);

    /// <summary>The entries, newest first.</summary>
    Task<IReadOnlyList<CampaignEntry>> List();
}
