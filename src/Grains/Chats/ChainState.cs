using GroupBuy.Grains.Interfaces.Chats;

namespace GroupBuy.Grains.Chats;

public sealed class ChainState
{
    /// <summary>Null until the chain is opened.</summary>
    public ChainTerms? Terms { get; set; }

    /// <summary>The deal's product and price, read from the flash sale when the chain was opened.</summary>
    public string Sku { get; set; } = "";

    public long Price { get; set; }

    public ChainStatus Status { get; set; }

    /// <summary>In the order they were taken; <c>No</c> is the position from 1. One per member.</summary>
    public List<ChainEntry> Entries { get; set; } = [];

    public long Version { get; set; }
}
