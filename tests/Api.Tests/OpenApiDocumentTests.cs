using System.Reflection;
using System.Text.Json.Nodes;
using GroupBuy.Grains.Interfaces;

namespace GroupBuy.Api.Tests;

/// <summary>The OpenAPI document is one a client can be generated from: named operations, and each one's refusals.</summary>
public sealed class OpenApiDocumentTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Every_api_operation_has_a_unique_name_and_a_summary()
    {
        var operations = (await DocumentAsync())["paths"]!.AsObject()
            .Where(path => path.Key.StartsWith("/api/", StringComparison.Ordinal))
            .SelectMany(path => path.Value!.AsObject().Select(operation => (Key: $"{operation.Key} {path.Key}", Operation: operation.Value!)))
            .ToList();

        Assert.NotEmpty(operations);
        Assert.Equal("GroupBuy", (await DocumentAsync())["info"]!["title"]!.GetValue<string>());
        Assert.All(operations, op => Assert.False(string.IsNullOrWhiteSpace(op.Operation["summary"]?.GetValue<string>()), $"{op.Key} has no summary"));
        var names = operations.Select(op => op.Operation["operationId"]?.GetValue<string>()).ToList();
        Assert.All(operations, op => Assert.NotNull(op.Operation["operationId"]));
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task Every_api_route_documents_its_refusals_as_problems_with_the_contracts_codes()
    {
        var document = await DocumentAsync();

        var codes = document["components"]!["schemas"]!["Problem"]!["properties"]!["code"]!["enum"]!.AsArray().Select(code => code!.GetValue<string>());
        var contract = typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(field => (string)field.GetRawConstantValue()!);
        Assert.Equal(contract.Order(), codes.Order());
        foreach (var (path, operations) in document["paths"]!.AsObject().Where(path => path.Key.StartsWith("/api/", StringComparison.Ordinal)))
        {
            foreach (var (method, operation) in operations!.AsObject())
            {
                var overloaded = operation!["responses"]!["503"];
                Assert.True(overloaded is not null, $"{method} {path} does not document 503");
                Assert.Contains("`overloaded`", overloaded["description"]!.GetValue<string>(), StringComparison.Ordinal);
                Assert.Equal("#/components/schemas/Problem", overloaded["content"]!["application/problem+json"]!["schema"]!["$ref"]!.GetValue<string>());
            }
        }
    }

    [Theory]
    [InlineData("/api/flash-sales/{id}/purchases", "post", "409", "`sold_out`, `not_started` or `ended`")]
    [InlineData("/api/flash-sales/{id}/purchases", "post", "422", "`limit_exceeded`")]
    [InlineData("/api/flash-sales/{id}/purchases", "post", "429", "`rate_limited`")]
    [InlineData("/api/flash-sales/{id}/purchases", "post", "401", "`unauthorized`")]
    [InlineData("/api/flash-sales", "post", "409", "`insufficient_stock`")]
    [InlineData("/api/teams/{teamId}/members", "post", "409", "`team_full`, `already_member`")]
    [InlineData("/api/teams/{teamId}/members", "post", "409", "`team_closed`")]
    [InlineData("/api/orders/{id}/pay", "post", "409", "`order_closed`")]
    [InlineData("/api/orders/{id}", "get", "404", "`not_found`")]
    [InlineData("/api/groups/{id}/messages", "post", "403", "`not_member`")]
    [InlineData("/api/products", "post", "400", "`validation`")]
    [InlineData("/api/products/{sku}/restock", "post", "429", "`rate_limited`")]
    public async Task A_route_documents_the_codes_the_contract_gives_it(string path, string method, string status, string codes)
    {
        var document = await DocumentAsync();

        var response = document["paths"]![path]![method]!["responses"]![status];

        Assert.True(response is not null, $"{method} {path} does not document {status}");
        Assert.Contains(codes, response["description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_public_read_documents_no_authentication_refusal()
    {
        var responses = (await DocumentAsync())["paths"]!["/api/flash-sales/{id}"]!["get"]!["responses"]!.AsObject();

        Assert.False(responses.ContainsKey("401"));
        Assert.True(responses.ContainsKey("404"));
    }

    [Fact]
    public async Task A_request_schema_requires_what_the_route_requires_and_nothing_else()
    {
        var schemas = (await DocumentAsync())["components"]!["schemas"]!;

        Assert.Equal(["quantity"], Required(schemas["PurchaseRequest"]!));
        Assert.Equal("integer", schemas["PurchaseRequest"]!["properties"]!["quantity"]!["type"]!.GetValue<string>());
        var groupBuy = Required(schemas["CreateGroupBuyRequest"]!);
        Assert.Contains("soloPrice", groupBuy);
        Assert.DoesNotContain("leaderPrice", groupBuy);
        Assert.DoesNotContain("commissionRate", groupBuy);
        Assert.Equal("#/components/schemas/PickupRequest", schemas["StartChainRequest"]!["properties"]!["pickup"]!["$ref"]!.GetValue<string>());
    }

    [Fact]
    public async Task Routes_that_need_a_signed_in_caller_ask_for_the_bearer_token_and_public_reads_do_not()
    {
        var document = await DocumentAsync();

        Assert.Equal("bearer", document["components"]!["securitySchemes"]!["bearer"]!["scheme"]!.GetValue<string>());
        Assert.NotNull(document["paths"]!["/api/flash-sales/{id}/purchases"]!["post"]!["security"]![0]!["bearer"]);
        Assert.NotNull(document["paths"]!["/api/me/orders"]!["get"]!["security"]![0]!["bearer"]);
        Assert.Null(document["paths"]!["/api/flash-sales/{id}"]!["get"]!["security"]);
        Assert.Null(document["paths"]!["/api/dev/tokens"]!["post"]!["security"]);
    }

    private static List<string> Required(JsonNode schema) => [.. schema["required"]!.AsArray().Select(name => name!.GetValue<string>())];

    private async Task<JsonObject> DocumentAsync()
    {
        var response = await factory.CreateClient().GetAsync("/openapi/v1.json", ApiClient.Token);
        response.EnsureSuccessStatusCode();
        return await response.JsonAsync();
    }
}
