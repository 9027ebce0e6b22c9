using System.Net.Http.Headers;
using GroupBuy.Runtime.Testing;

namespace GroupBuy.Api.Tests;

public sealed class SecurityTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Theory]
    [InlineData("GET", "/api/flash-sales/0123456789abcdef0123456789abcdef")]   // a problem
    [InlineData("GET", "/healthz")]
    [InlineData("GET", "/no/such/route")]
    [InlineData("POST", "/api/products")]                                       // refused before the handler
    public async Task Every_answer_carries_the_security_headers(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);

        var response = await factory.CreateClient().SendAsync(request, ApiClient.Token);

        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        var csp = Header(response, "Content-Security-Policy")!.Split(';', StringSplitOptions.TrimEntries);
        Assert.Contains("default-src 'self'", csp);
        Assert.Contains("script-src 'self'", csp);
        Assert.Contains("style-src 'self'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("object-src 'none'", csp);
        Assert.Contains("connect-src 'self'", csp);
    }

    [Theory]
    [InlineData("evil.example")]
    [InlineData("evil.example:8443")]
    [InlineData("evil.example;script-src *")]
    public async Task The_content_security_policy_never_echoes_the_request_s_Host(string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        request.Headers.TryAddWithoutValidation("Host", host);

        var response = await factory.CreateClient().SendAsync(request, ApiClient.Token);

        var policy = Header(response, "Content-Security-Policy")!;
        Assert.DoesNotContain("evil", policy, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("connect-src 'self';", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("*", policy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Configured_public_origins_name_their_websockets_in_the_policy_whatever_the_Host()
    {
        await using var configured = new ApiFactory
        {
            Settings = { ["Security:PublicOrigins:0"] = "https://shop.example", ["Security:PublicOrigins:1"] = "http://127.0.0.1:5000" },
        };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        request.Headers.TryAddWithoutValidation("Host", "evil.example");

        var response = await configured.CreateClient().SendAsync(request, ApiClient.Token);

        var csp = Header(response, "Content-Security-Policy")!.Split(';', StringSplitOptions.TrimEntries);
        Assert.Contains("connect-src 'self' wss://shop.example ws://127.0.0.1:5000", csp);
    }

    [Theory]
    [InlineData("shop.example")]
    [InlineData("https://shop.example/pages")]
    [InlineData("ftp://shop.example")]
    [InlineData("https://user@shop.example")]
    public async Task A_public_origin_that_is_not_an_origin_stops_the_server_at_start_up(string origin)
    {
        await using var api = new ApiFactory();
        var configured = api.WithWebHostBuilder(b => b.UseSetting("Security:PublicOrigins:0", origin));

        var error = Assert.ThrowsAny<Exception>(() => configured.CreateClient());

        Assert.Contains("PublicOrigins", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task By_default_no_other_origin_may_call_the_api_from_a_browser()
    {
        var response = await factory.CreateClient().SendAsync(Preflight("https://evil.example"), ApiClient.Token);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_configured_origin_may_call_the_api_and_others_still_may_not()
    {
        // A server of its own, on a database of its own: a SQLite file is opened by one server at a time.
        await using var configured = new ApiFactory { Settings = { ["Security:AllowedOrigins:0"] = "https://shop.example" } };
        var client = configured.CreateClient();

        var allowed = await client.SendAsync(Preflight("https://shop.example"), ApiClient.Token);
        var other = await client.SendAsync(Preflight("https://evil.example"), ApiClient.Token);

        Assert.Equal("https://shop.example", Header(allowed, "Access-Control-Allow-Origin"));
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_token_stops_working_when_it_expires()
    {
        await using var api = new ApiFactory { Clock = new ManualTimeProvider(DateTimeOffset.UtcNow) };
        var shopper = await api.SignedInAsync("sec-expiring", "shopper");
        var before = await shopper.GetAsync("/api/me/orders", ApiClient.Token);

        api.Clock.Advance(TimeSpan.FromHours(12) + TimeSpan.FromSeconds(1));
        var after = await shopper.GetAsync("/api/me/orders", ApiClient.Token);

        Assert.Equal(200, (int)before.StatusCode);
        await after.AssertProblemAsync(401, "unauthorized");
    }

    [Fact]
    public async Task A_token_altered_by_one_character_is_refused()
    {
        var shopper = await factory.SignedInAsync("sec-tampered", "shopper");
        var token = shopper.DefaultRequestHeaders.Authorization!.Parameter!;
        var altered = token[..^5] + (token[^5] == 'A' ? 'B' : 'A') + token[^4..];
        shopper.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", altered);

        var response = await shopper.GetAsync("/api/me/orders", ApiClient.Token);

        await response.AssertProblemAsync(401, "unauthorized");
    }

    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/me/orders");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "authorization");
        return request;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? string.Join(",", values) : null;
}
