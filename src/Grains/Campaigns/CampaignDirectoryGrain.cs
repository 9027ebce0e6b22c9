using GroupBuy.Grains.Interfaces.Campaigns;
using GroupBuy.Runtime;

namespace GroupBuy.Grains.Campaigns;

public sealed class CampaignDirectoryState
{
    /// <summary>In registration order, oldest first.</summary>
    public List<CampaignEntry> Entries { get; set; } = [];
}

/// <summary>
/// Keeps a campaign list. The public directory drops campaigns once they have ended; a merchant's keeps its
/// latest <see cref="MaxEntries"/>. Non-reentrant, so a repeated registration is seen and ignored.
/// </summary>
public sealed class CampaignDirectoryGrain(TimeProvider time, [PersistentState("campaigns")] IPersistentState<CampaignDirectoryState> directory)
    : Grain, ICampaignDirectoryGrain
{
    public const int MaxEntries = 200;

    private bool IsPublic => GetPrimaryKeyString() == CampaignDirectories.Public;

    public async Task Register(CampaignEntry entry)
    {
        var entries = directory.State.Entries;
        if (entries.Exists(e => e.Id == entry.Id))
        {
            return;
        }
        entries.Add(entry);
        Prune(entries);
        await directory.WriteStateAsync();
    }

    public Task<IReadOnlyList<CampaignEntry>> List()
    {
        var now = time.GetUtcNow();
        IReadOnlyList<CampaignEntry> listed = [.. Enumerable.Reverse(directory.State.Entries).Where(e => !IsPublic || e.EndsAt > now)];
        return Task.FromResult(listed);
    }

    private void Prune(List<CampaignEntry> entries)
    {
        if (IsPublic)
        {
            var now = time.GetUtcNow();
            entries.RemoveAll(e => e.EndsAt <= now);
        }
        if (entries.Count > MaxEntries)
        {
            entries.RemoveRange(0, entries.Count - MaxEntries);
        }
    }
}
