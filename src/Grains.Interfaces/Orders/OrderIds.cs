using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace GroupBuy.Grains.Interfaces.Orders;

/// <summary>
/// Order ids carry their owner, so an order is found without an index: <c>fs.{saleId}.{n}</c> lives in
/// flash sale <c>saleId</c>, <c>gb.{teamId}.{n}</c> in team <c>teamId</c>. The server mints sale and team ids as
/// 32 lowercase hex digits and numbers each owner's orders from 1, so those are the only shapes an id can have.
/// </summary>
public static class OrderIds
{
    private const string FlashSalePrefix = "fs";
    private const string TeamPrefix = "gb";
    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    /// <summary>The length of every sale and team id the server mints (a GUID's or a hash's 32 hex digits).</summary>
    public const int OwnerIdLength = 32;

    /// <summary>The longest order id there can be: a prefix, an owner id and a positive <see cref="long"/>, with two dots.</summary>
    public const int MaxLength = 2 + 1 + OwnerIdLength + 1 + 19;

    public static string ForFlashSale(string saleId, long sequence) => $"{FlashSalePrefix}.{saleId}.{sequence}";

    public static string ForTeam(string teamId, long sequence) => $"{TeamPrefix}.{teamId}.{sequence}";

    /// <summary>
    /// The order's owner when <paramref name="orderId"/> has exactly the shape the server issues
    /// (<c>fs|gb</c>, a dot, 32 lowercase hex digits, a dot, a positive number with no sign, padding or leading zero);
    /// anything else is no order at all, so a crafted id never names a grain the server would not.
    /// </summary>
    public static bool TryParse(string? orderId, [NotNullWhen(true)] out OrderRef? owner)
    {
        owner = null;
        if (orderId is null || orderId.Length > MaxLength || orderId.Length < 3 + OwnerIdLength + 2)
        {
            return false;
        }
        var kind = KindOf(orderId.AsSpan(0, 3));
        var ownerId = orderId.AsSpan(3, OwnerIdLength);
        var sequence = orderId.AsSpan(3 + OwnerIdLength + 1);
        if (kind is null || ownerId.ContainsAnyExcept(LowerHex) || orderId[3 + OwnerIdLength] != '.' || !IsCanonicalPositive(sequence))
        {
            return false;
        }
        owner = new OrderRef(orderId, kind.Value, ownerId.ToString(), default);
        return true;
    }

    /// <summary>
    /// The order an id read back from the server's own storage names, with the time it was made; null for an id no
    /// <see cref="ForFlashSale"/> or <see cref="ForTeam"/> wrote. Unlike <see cref="TryParse"/>, which guards ids from
    /// outside, it takes any owner id between the first dot and the last (a sequence holds none).
    /// </summary>
    public static OrderRef? Stored(string orderId, DateTimeOffset createdAt)
    {
        var (first, last) = (orderId.IndexOf('.', StringComparison.Ordinal), orderId.LastIndexOf('.'));
        return first == 2 && last > first && KindOf(orderId.AsSpan(0, 3)) is { } kind
            ? new OrderRef(orderId, kind, orderId[(first + 1)..last], createdAt)
            : null;
    }

    /// <summary>The kind an id's prefix and its dot name, if any.</summary>
    private static OrderKind? KindOf(ReadOnlySpan<char> prefix) => prefix switch
    {
        FlashSalePrefix + "." => OrderKind.FlashSale,
        TeamPrefix + "." => OrderKind.GroupBuy,
        _ => null,
    };

    /// <summary>Digits only, no leading zero, and within a <see cref="long"/>: how <see cref="ForFlashSale"/> writes a sequence.</summary>
    private static bool IsCanonicalPositive(ReadOnlySpan<char> text) =>
        text.Length > 0 && text[0] != '0' && !text.ContainsAnyExceptInRange('0', '9') &&
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _);
}
