using Microsoft.Extensions.Logging;

namespace GroupBuy.Grains.GroupBuys;

internal static partial class GroupBuyLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Team {TeamId} succeeded: every seat is paid")]
    public static partial void TeamSucceeded(this ILogger logger, string teamId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Team {TeamId} failed: its deadline passed with {Joined} of {Size} seats taken")]
    public static partial void TeamFailed(this ILogger logger, string teamId, int joined, int size);

    [LoggerMessage(Level = LogLevel.Information, Message = "Seat {OrderId} of team {TeamId} was released unpaid at its pay-by time")]
    public static partial void SeatReleased(this ILogger logger, string teamId, string orderId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The charge of order {OrderId} failed; the seat stays payable")]
    public static partial void ChargeFailed(this ILogger logger, Exception exception, string orderId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The gateway refused the charge of order {OrderId}: another activation settled it as never charged and closed it")]
    public static partial void ChargeRefusedAsClosed(this ILogger logger, string orderId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Team {TeamId} could not deliver its outbox; it tries again later")]
    public static partial void OutboxDeliveryFailed(this ILogger logger, Exception exception, string teamId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Group buy {GroupBuyId} could not settle its reservation: {Code} {Detail}")]
    public static partial void SettlementRefused(this ILogger logger, string groupBuyId, string code, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Group buy {GroupBuyId} dropped team {TeamId}, whose opening never completed")]
    public static partial void TeamNeverOpened(this ILogger logger, string groupBuyId, string teamId);
}
