using GroupBuy.Runtime;

namespace GroupBuy.Grains.Interfaces.Chats;

/// <summary>
/// One sealed page of a group's history (key: <c>{groupId}-{page}</c>, page n holding seq
/// <c>(n−1)·size+1 … n·size</c>). Written once by its group; storing the same page again changes nothing.
/// </summary>
public interface IChatArchiveGrain : IGrainWithStringKey
{
    Task Store(IReadOnlyList<ChatMessage> messages);

    Task<IReadOnlyList<ChatMessage>> Read();
}
