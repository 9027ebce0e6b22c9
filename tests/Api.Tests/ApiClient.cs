using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GroupBuy.Api.Tests;

/// <summary>Test helpers: signed-in clients and problem-detail assertions.</summary>
public static class ApiClient
{
    public static CancellationToken Token => TestContext.Current.CancellationToken;

    public static async Task<HttpClient> SignedInAsync(this Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> factory, string userId, string role, string? name = null)
    {
        var client = factory.CreateClient();
        var response = await client.PostAsJsonAsync("/api/dev/tokens", new { userId, role, name = name ?? userId }, Token);
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonObject>(Token))!["token"]!.GetValue<string>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static async Task<JsonObject> JsonAsync(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>(Token))!;

    /// <summary>Asserts a problem detail with the status and code, and returns it.</summary>
    public static async Task<JsonObject> AssertProblemAsync(this HttpResponseMessage response, int status, string code)
    {
        var body = await response.Content.ReadAsStringAsync(Token);
        Assert.True(status == (int)response.StatusCode, $"expected {status} {code}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!.AsObject();
        Assert.Equal(code, problem["code"]?.GetValue<string>());
        Assert.Equal(status, problem["status"]?.GetValue<int>());
        return problem;
    }

    public static StringContent RawJson(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    public static JsonSerializerOptions Web { get; } = new(JsonSerializerDefaults.Web);
}
