using System.Security.Claims;

namespace GroupBuy.Api.Identity;

/// <summary>Who is calling, read from the token alone.</summary>
public static class Caller
{
    public static string UserId(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("An authenticated caller has no user id.");

    /// <summary>Shown where other shoppers see the caller (a team's members, a chat): never the user id, which the contract keeps private.</summary>
    public const string AnonymousName = "匿名用户";

    /// <summary>The token's display name, or <see cref="AnonymousName"/> when it carries none.</summary>
    public static string DisplayName(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.Name) is { Length: > 0 } name ? name : AnonymousName;

    public static Grains.Interfaces.Shopper AsShopper(this ClaimsPrincipal user) => new(user.UserId(), user.DisplayName());
}
