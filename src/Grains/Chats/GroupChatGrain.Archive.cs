using GroupBuy.Grains.Interfaces.Chats;

namespace GroupBuy.Grains.Chats;

/// <summary>
/// Sealing history into archive pages, so a group's memory and snapshot stay bounded however long it talks.
/// Once two full pages of durable messages are held, the older page is stored in its archive grain and then
/// dropped from the state with <see cref="PageArchived"/>. A crash in between only stores the same page again
/// (the page ignores it). Archiving runs beside posting, never in a post's way.
/// </summary>
public sealed partial class GroupChatGrain
{
    public const int PageSize = 100;

    private bool _archiving;

    private void ArchiveIfDue()
    {
        if (!_archiving && ArchiveDue)
        {
            _archiving = true;
            _ = ArchiveAsync();
        }
    }

    private bool ArchiveDue => _durableSeq - State.ArchivedThrough >= 2 * PageSize;

    private async Task ArchiveAsync()
    {
        try
        {
            while (ArchiveDue)
            {
                var through = State.ArchivedThrough + PageSize;
                await Page(through / PageSize).Store(State.Recent.GetRange(0, PageSize));
                _chat.Raise(new PageArchived(through));
                await _chat.ConfirmAsync();
            }
        }
        catch (Exception exception)
        {
            // The messages are durable in the journal; the page is stored again on a later post.
            _logger.ArchiveFailed(exception, Id);
        }
        finally
        {
            _archiving = false;
        }
    }

    /// <summary>Archived messages with <c>seq</c> from <paramref name="from"/> to <paramref name="to"/> (all archived).</summary>
    private async Task<List<ChatMessage>> ReadArchiveAsync(long from, long to)
    {
        var pages = await Task.WhenAll(Enumerable.Range(0, (int)((to - 1) / PageSize - (from - 1) / PageSize) + 1)
            .Select(n => Page((from - 1) / PageSize + 1 + n).Read()));
        return [.. pages.SelectMany(p => p).Where(m => m.Seq >= from && m.Seq <= to)];
    }

    private IChatArchiveGrain Page(long page) => GrainFactory.GetGrain<IChatArchiveGrain>($"{Id}-{page}");
}
