using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBuy.Api.Tests;

/// <summary>A route the application maps: its method, its pattern, and what its metadata says about it.</summary>
public sealed record MappedRoute(string Method, string Pattern, Type? BodyType, string? Policy, bool Anonymous)
{
    public string Key => $"{Method} {Pattern}";

    public IReadOnlyList<string> Parameters =>
        [.. Pattern.Split('/').Where(s => s.StartsWith('{')).Select(s => s.Trim('{', '}').Split(':')[0])];

    public bool IsHub => Pattern.StartsWith("/hubs/", StringComparison.Ordinal);

    /// <summary>
    /// Every route of the running app, read from its endpoint data source, so routes added later are covered by
    /// whatever enumerates them here.
    /// </summary>
    public static IReadOnlyList<MappedRoute> Of(IServiceProvider services) =>
        [.. services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(method => new MappedRoute(
                method,
                "/" + (endpoint.RoutePattern.RawText ?? "").Trim('/'),
                endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType,
                endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).LastOrDefault(p => p is not null),
                endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)))
            .DistinctBy(r => r.Key)
            .OrderBy(r => r.Pattern, StringComparer.Ordinal).ThenBy(r => r.Method, StringComparer.Ordinal)];
}
