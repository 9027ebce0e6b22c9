using GroupBuy.TestSupport;
namespace GroupBuy.Api.Tests;

public sealed class LiveHubTests(LiveServer server) : IClassFixture<LiveServer>
{
    [Theory]
    [InlineData("team")]
    [InlineData("team:")]
    [InlineData("party:0123456789abcdef0123456789abcdef")]
    [InlineData("team:../../etc")]
    public async Task Watching_an_unknown_topic_is_refused_as_validation(string topic)
    {
        await using var client = await server.ConnectAsync();

        var error = await Assert.ThrowsAsync<HubErrorException>(() => client.InvokeAsync("Watch", topic));

        Assert.Contains("HubException: validation:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watching_a_team_that_does_not_exist_is_not_found()
    {
        await using var client = await server.ConnectAsync();

        var error = await Assert.ThrowsAsync<HubErrorException>(() => client.InvokeAsync("Watch", "team:0123456789abcdef0123456789abcdef"));

        Assert.Contains("HubException: not_found:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Group_topics_are_for_members_only()
    {
        await using var client = await server.ConnectAsync("s-outsider");

        var error = await Assert.ThrowsAsync<HubErrorException>(() => client.InvokeAsync("Watch", "group:0123456789abcdef0123456789abcdef"));

        Assert.Contains("HubException: not_member:", error.Message, StringComparison.Ordinal);
    }
}
