using GroupBuy.Runtime.Hosting;

namespace GroupBuy.Api.Identity;

/// <summary>Identity settings, bound from the <c>Auth</c> section.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Serves <c>POST /api/dev/tokens</c>; on for local runs (Development), never in Production.</summary>
    public bool DevTokens { get; set; }

    /// <summary>How long a token is valid.</summary>
    [TimeSpanRange("00:00:10", "30.00:00:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(12);
}

/// <summary>The two roles of the contract, and the policies that require them.</summary>
public static class Roles
{
    public const string Shopper = "shopper";
    public const string Merchant = "merchant";
}
