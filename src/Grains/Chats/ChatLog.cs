using Microsoft.Extensions.Logging;

namespace GroupBuy.Grains.Chats;

internal static partial class ChatLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Group {GroupId} could not archive a page of its history; it tries again later")]
    public static partial void ArchiveFailed(this ILogger logger, Exception exception, string groupId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Chain {ChainId} took entry {No} for quantity {Quantity} (order {OrderId})")]
    public static partial void ChainEntered(this ILogger logger, string chainId, int no, int quantity, string orderId);
}
