using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;

namespace GroupBuy.Api.Tests;

/// <summary>A body that does not bind is told apart for its sender, in Production as in a local run.</summary>
public sealed class BadBodyTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_body_that_does_not_bind_gets_a_detail_saying_what_is_wrong_with_it() =>
        await AssertDetailsAsync(await factory.SignedInAsync("bad-body-1", "shopper"));

    [Fact]
    public async Task Production_gives_the_same_details_not_a_bare_bad_request()
    {
        // A server of its own, on a database of its own: a SQLite file is opened by one server at a time.
        await using var api = new ApiFactory();
        api.Settings["Auth:DevTokens"] = "true";
        using var production = api.WithWebHostBuilder(b => b.UseEnvironment(Environments.Production));

        await AssertDetailsAsync(await production.SignedInAsync("bad-body-2", "shopper"));
    }

    private static async Task AssertDetailsAsync(HttpClient shopper)
    {
        await AssertDetailAsync(shopper, ApiClient.RawJson(""), 400, "the request had none");
        await AssertDetailAsync(shopper, null, 400, "the request had none");
        await AssertDetailAsync(shopper, ApiClient.RawJson("null"), 400, "must be a JSON object");
        var notJson = await AssertDetailAsync(shopper, ApiClient.RawJson("{\n  \"quantity\": 1,\n  \"groupId\" \"g\"\n}"), 400, "not valid JSON (line 3, byte 13)");
        Assert.Null(notJson["errors"]);   // no field to name: the text itself is broken
        var wrongKind = await AssertDetailAsync(shopper, ApiClient.RawJson("""{"quantity":"two"}"""), 400, "at $.quantity is of the wrong kind");
        Assert.Equal(["quantity"], wrongKind["errors"]!.AsObject().Select(field => field.Key));
        var wrongGroup = await AssertDetailAsync(shopper, ApiClient.RawJson("""{"quantity":1,"groupId":7}"""), 400, "at $.groupId is of the wrong kind");
        Assert.Equal(["groupId"], wrongGroup["errors"]!.AsObject().Select(field => field.Key));
        await AssertDetailAsync(shopper, ApiClient.RawJson("""{"quantity":99999999999999999999}"""), 400, "out of its range");
        await AssertDetailAsync(shopper, ApiClient.RawJson("[1]"), 400, "must be a JSON object");
        await AssertDetailAsync(shopper, new StringContent("{}", System.Text.Encoding.UTF8, "text/plain"), 415, "Content-Type: application/json");
    }

    private static async Task<System.Text.Json.Nodes.JsonObject> AssertDetailAsync(HttpClient shopper, HttpContent? body, int status, string expected)
    {
        var response = await shopper.PostAsync("/api/flash-sales/any-sale/purchases", body, ApiClient.Token);

        var problem = await response.AssertProblemAsync(status, "validation");
        var detail = problem["detail"]!.GetValue<string>();
        Assert.Contains(expected, detail, StringComparison.Ordinal);
        // The framework's own words name C# parameters and types, which mean nothing to a client.
        Assert.DoesNotContain("PurchaseRequest", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("parameter", detail, StringComparison.OrdinalIgnoreCase);
        return problem;
    }
}
