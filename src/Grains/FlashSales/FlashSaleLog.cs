using Microsoft.Extensions.Logging;

namespace GroupBuy.Grains.FlashSales;

internal static partial class FlashSaleLog
{
    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Charging order {OrderId} failed with no answer; it stays in payment until the gateway is asked")]
    public static partial void ChargeFailed(ILogger logger, Exception exception, string orderId);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Settling the charge of order {OrderId} with the gateway failed; it stays in payment")]
    public static partial void ChargeLookupFailed(ILogger logger, Exception exception, string orderId);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "The gateway refused the charge {PaymentId} of order {OrderId}: it was settled as never charged (by an earlier activation or look-up) and is closed")]
    public static partial void ChargeRefusedAsClosed(ILogger logger, string orderId, string paymentId);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Settling the stock of flash sale {SaleId} failed; it is retried")]
    public static partial void SettlementFailed(ILogger logger, Exception exception, string saleId);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Error, Message = "The product refused the stock settlement of flash sale {SaleId}: {Code} {Detail}")]
    public static partial void SettlementRefused(ILogger logger, string saleId, string code, string detail);
}
