using System.Security.Claims;
using GroupBuy.Api.Identity;
using GroupBuy.Runtime.Testing;
using Microsoft.AspNetCore.Authentication;

namespace GroupBuy.Api.Tests;

/// <summary>
/// A request's bearer token is admitted from its header's characters when the token is remembered
/// (<c>ValidatedTokenCache.TryGetRemembered</c>): only a token already unprotected, only while its ticket lasts.
/// </summary>
public sealed class RememberedTokenTests
{
    private readonly ManualTimeProvider _clock = new();
    private readonly TicketFormat _format = new();
    private readonly ValidatedTokenCache _cache;

    public RememberedTokenTests() => _cache = new ValidatedTokenCache(_format, _clock);

    [Fact]
    public void A_token_is_found_from_a_slice_of_its_header_once_it_was_unprotected()
    {
        const string token = "token-of-u1";
        _format.Issue(token, "u1", _clock.GetUtcNow().AddHours(1));
        var header = "Bearer " + token;
        Assert.False(_cache.TryGetRemembered(header.AsSpan("Bearer ".Length), out _));

        var ticket = _cache.Unprotect(token);

        Assert.True(_cache.TryGetRemembered(header.AsSpan("Bearer ".Length), out var remembered));
        Assert.Same(ticket, remembered);
        Assert.Equal("u1", remembered.Principal.FindFirstValue(ClaimTypes.NameIdentifier));
        Assert.False(_cache.TryGetRemembered(header.AsSpan("Bearer ".Length, token.Length - 1), out _));
    }

    [Fact]
    public void A_remembered_token_is_refused_from_the_moment_its_ticket_expires()
    {
        const string token = "token-of-u2";
        _format.Issue(token, "u2", _clock.GetUtcNow().AddMinutes(5));
        _cache.Unprotect(token);

        _clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));
        Assert.True(_cache.TryGetRemembered(token, out _));
        _clock.Advance(TimeSpan.FromTicks(1));

        Assert.False(_cache.TryGetRemembered(token, out var expired));
        Assert.Null(expired);
    }

    /// <summary>Tickets by token string, as data protection would unprotect them.</summary>
    private sealed class TicketFormat : ISecureDataFormat<AuthenticationTicket>
    {
        private readonly Dictionary<string, AuthenticationTicket> _tickets = [];

        public void Issue(string token, string userId, DateTimeOffset expires) =>
            _tickets[token] = new AuthenticationTicket(
                new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId)], "test")),
                new AuthenticationProperties { ExpiresUtc = expires }, "test");

        public string Protect(AuthenticationTicket data) => throw new NotSupportedException();

        public string Protect(AuthenticationTicket data, string? purpose) => throw new NotSupportedException();

        public AuthenticationTicket? Unprotect(string? protectedText) => protectedText is not null ? _tickets.GetValueOrDefault(protectedText) : null;

        public AuthenticationTicket? Unprotect(string? protectedText, string? purpose) => purpose is null ? Unprotect(protectedText) : null;
    }
}
