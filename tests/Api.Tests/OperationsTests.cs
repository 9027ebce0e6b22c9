using System.Net;

namespace GroupBuy.Api.Tests;

public sealed class OperationsTests : IClassFixture<ApiFactory>
{
    private readonly HttpClient _client;

    public OperationsTests(ApiFactory factory) => _client = factory.CreateClient();

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task Health_endpoints_answer_healthy(string path)
    {
        var response = await _client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task Health_endpoints_answer_a_head_request_and_refuse_writes(string path)
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var head = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path), cancellation);
        using var delete = await _client.DeleteAsync(path, cancellation);
        using var post = await _client.PostAsync(path, content: null, cancellation);

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        foreach (var refused in new[] { delete, post })
        {
            Assert.Equal(HttpStatusCode.MethodNotAllowed, refused.StatusCode);
            Assert.Equal("GET, HEAD", string.Join(", ", refused.Content.Headers.Allow));
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task OpenApi_document_is_served()
    {
        var response = await _client.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"openapi\"", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}
