using Microsoft.AspNetCore.Authentication;

namespace GroupBuy.Api.Identity;

/// <summary>
/// Refuses tokens minted by the dev-token route on a server whose dev tokens are off. Servers on one machine may share
/// a data-protection key ring, so without this a token minted by a local run would open a production server.
/// </summary>
public sealed class DevTokenGate(ISecureDataFormat<AuthenticationTicket> inner, bool devTokensOn) : ISecureDataFormat<AuthenticationTicket>
{
    /// <summary>The claim every dev token carries.</summary>
    public const string Claim = "groupbuy:dev_token";

    public string Protect(AuthenticationTicket data) => inner.Protect(data);

    public string Protect(AuthenticationTicket data, string? purpose) => inner.Protect(data, purpose);

    public AuthenticationTicket? Unprotect(string? protectedText) => Admit(inner.Unprotect(protectedText));

    public AuthenticationTicket? Unprotect(string? protectedText, string? purpose) => Admit(inner.Unprotect(protectedText, purpose));

    private AuthenticationTicket? Admit(AuthenticationTicket? ticket) =>
        ticket is not null && !devTokensOn && ticket.Principal.HasClaim(claim => claim.Type == Claim) ? null : ticket;
}
