namespace GroupBuy.Api.Security;

/// <summary>Cross-origin settings, bound from the <c>Security</c> section.</summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>
    /// Origins (scheme://host[:port]) whose pages may call the API from a browser. Empty by default: the API's own
    /// pages are same-origin and need no CORS, and no other site may call it with a shopper's token.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];
}
