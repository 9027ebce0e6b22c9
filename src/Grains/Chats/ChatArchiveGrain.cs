using GroupBuy.Grains.Interfaces.Chats;
using GroupBuy.Runtime;

namespace GroupBuy.Grains.Chats;

public sealed class ChatPage
{
    public List<ChatMessage> Messages { get; set; } = [];
}

/// <summary>One sealed page of a group's history: written once, read by the group when history is paged back.</summary>
[GrainType("chat-page")]
public sealed class ChatArchiveGrain([PersistentState("page")] IPersistentState<ChatPage> page) : Grain, IChatArchiveGrain
{
    public async Task Store(IReadOnlyList<ChatMessage> messages)
    {
        if (page.State.Messages.Count > 0)
        {
            return;
        }
        page.State.Messages = [.. messages];
        await page.WriteStateAsync();
    }

    public Task<IReadOnlyList<ChatMessage>> Read() => Task.FromResult<IReadOnlyList<ChatMessage>>(page.State.Messages);
}
