using GroupBuy.Runtime.Hosting;

namespace GroupBuy.Api.Live;

/// <summary>Live hub settings, bound from the <c>Live</c> section.</summary>
public sealed class LiveOptions
{
    public const string Section = "Live";

    /// <summary>
    /// How long one send to a watcher may stay blocked (the watcher reads nothing while its buffers are full) before
    /// its connection is closed; the client connects again and watches afresh. Other watchers never wait for it.
    /// </summary>
    [TimeSpanRange("00:00:01", "00:10:00")]
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
