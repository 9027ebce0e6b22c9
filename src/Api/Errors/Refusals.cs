namespace GroupBuy.Api.Errors;

/// <summary>
/// The contract's codes a route refuses with for its own reasons (a sold-out sale, a full team), beyond those its
/// kind of route always has (validation, authentication, rate limits, overload). The OpenAPI document lists them.
/// </summary>
public sealed record RefusalCodes(IReadOnlyList<string> Codes);

public static class Refusals
{
    public static TBuilder Refuses<TBuilder>(this TBuilder builder, params string[] codes)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RefusalCodes(codes));
}
