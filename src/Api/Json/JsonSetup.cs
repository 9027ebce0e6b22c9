using System.Text.Json;
using System.Text.Json.Serialization;

namespace GroupBuy.Api.Json;

public static class JsonSetup
{
    /// <summary>camelCase fields and snake_case enum values (<c>pending_payment</c>, <c>flash_sale</c>), as the contract writes them.</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.NumberHandling = JsonNumberHandling.Strict;
    }
}
