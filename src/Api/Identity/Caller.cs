using System.Security.Claims;

namespace GroupBuy.Api.Identity;

/// <summary>Who is calling, read from the token alone.</summary>
public static class Caller
{
    public static string UserId(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("An authenticated caller has no user id.");

    public static string DisplayName(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.Name) ?? user.UserId();

    public static Grains.Interfaces.Shopper AsShopper(this ClaimsPrincipal user) => new(user.UserId(), user.DisplayName());
}
