using GroupBuy.TestSupport;

namespace GroupBuy.Api.Tests;

/// <summary>
/// The tests' own hub client, where the walks lean on it: a connection they cut must close quietly, so that a walk
/// fails only on the contract, never on the client's race with its own socket.
/// </summary>
public sealed class HubClientTests(LiveServer server) : IClassFixture<LiveServer>
{
    [Fact]
    public async Task A_connection_cut_between_two_reads_closes_without_an_error()
    {
        var client = await server.ConnectAsync();
        client.StopReading();
        // The answer is read; the read after it waits at the gate, and resumes only once the socket is cut.
        await Assert.ThrowsAsync<HubErrorException>(() => client.InvokeAsync("Watch", "team"));

        client.Abort();
        client.ResumeReading();

        await client.Closed;
        await client.DisposeAsync();
        Assert.False(client.IsOpen);
    }
}
