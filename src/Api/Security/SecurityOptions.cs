using System.ComponentModel.DataAnnotations;

namespace GroupBuy.Api.Security;

/// <summary>Cross-origin settings, bound from the <c>Security</c> section.</summary>
public sealed class SecurityOptions : IValidatableObject
{
    public const string Section = "Security";

    /// <summary>
    /// Origins (scheme://host[:port]) whose pages may call the API from a browser. Empty by default: the API's own
    /// pages are same-origin and need no CORS, and no other site may call it with a shopper's token.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>
    /// Origins (http or https, scheme://host[:port]) at which this server's pages are served. The content security
    /// policy names each one's WebSocket origin (<c>ws://</c> or <c>wss://</c>) in <c>connect-src</c>, for browsers
    /// that do not count a same-origin WebSocket as <c>'self'</c>. Empty by default: <c>'self'</c> alone, which
    /// covers the same origin's WebSockets in current browsers. The policy never names the request's Host header.
    /// </summary>
    public string[] PublicOrigins { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var origin in PublicOrigins)
        {
            if (WebSocketOriginOf(origin) is null)
            {
                yield return new ValidationResult(
                    $"'{origin}' is not an origin: write it as http://host[:port] or https://host[:port], with no path, query or user.",
                    [nameof(PublicOrigins)]);
            }
        }
    }

    /// <summary>The WebSocket origin of an http(s) origin (<c>https://a.example:8443</c> → <c>wss://a.example:8443</c>), or null if it is not one.</summary>
    internal static string? WebSocketOriginOf(string? origin)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.UserInfo.Length > 0 || uri.PathAndQuery != "/" || uri.Fragment.Length > 0
            || uri.HostNameType is not (UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6))
        {
            return null;
        }
        var scheme = uri.Scheme == Uri.UriSchemeHttps ? "wss" : "ws";
        return uri.IsDefaultPort ? $"{scheme}://{uri.IdnHost}" : $"{scheme}://{uri.IdnHost}:{uri.Port}";
    }
}
