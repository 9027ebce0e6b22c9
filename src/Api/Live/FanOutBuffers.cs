using System.Globalization;

namespace GroupBuy.Api.Live;

/// <summary>
/// A push to a topic's watchers passes through one 4 KB buffer per watcher: SignalR writes the message into each
/// connection's pipe, whose segments come from the shared array pool, and they go back once the socket has the bytes.
/// The shared pool keeps 32 arrays of a size per core by default, so a push to thousands of watchers allocated nearly all
/// of its buffers afresh (about 30 MB a push to 10,000), and the collections that followed paused every delivery for up
/// to 200 ms. A deeper pool keeps the buffers for the next push instead.
/// </summary>
public static class FanOutBuffers
{
    /// <summary>The runtime's setting for how many arrays of a size the shared pool keeps per core.</summary>
    public const string Variable = "DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION";

    /// <summary>Arrays of a size kept per core: on two cores, enough for a push to 16,384 watchers at once.</summary>
    public const int ArraysPerCore = 8192;

    /// <summary>
    /// Sets the pool's depth unless the operator has set it. The runtime reads it once, when the first array goes back to
    /// the pool, so this runs first thing in <c>Main</c>; in a process that has used the pool already it changes nothing.
    /// </summary>
    public static void DeepenSharedPool()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)))
        {
            Environment.SetEnvironmentVariable(Variable, ArraysPerCore.ToString(CultureInfo.InvariantCulture));
        }
    }
}
