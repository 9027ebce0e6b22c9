using System.Text.Json;
using System.Text.Json.Serialization;

namespace GroupBuy.Api.Json;

public static class JsonSetup
{
    /// <summary>ASP.NET Core's switch back to stream-based JSON request bodies.</summary>
    public const string StreamBodiesSwitch = "Microsoft.AspNetCore.UseStreamBasedJsonParsing";

    /// <summary>camelCase fields, snake_case enum values (<c>pending_payment</c>, <c>flash_sale</c>) and UTC times, as the contract writes them.</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.Converters.Add(new UtcTimeConverter());
        options.NumberHandling = JsonNumberHandling.Strict;
    }
}
