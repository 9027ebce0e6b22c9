using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace GroupBuy.Api.Operations;

/// <summary>
/// Declares the bearer token in the OpenAPI document (the <c>bearer</c> scheme) and requires it on every operation that
/// needs a signed-in caller, so a generated client knows where to send its token.
/// </summary>
internal sealed class BearerSecurity : IOpenApiOperationTransformer
{
    private const string SchemeId = "bearer";

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (!RequiresSignIn(context.Description.ActionDescriptor.EndpointMetadata))
        {
            return Task.CompletedTask;
        }
        var document = context.Document!;
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes.TryAdd(SchemeId, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "A token from the identity provider (or POST /api/dev/tokens on a local run).",
        });
        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeId, document)] = [] });
        return Task.CompletedTask;
    }

    /// <summary>True when the endpoint asks for an authorized caller and does not also allow anonymous ones.</summary>
    public static bool RequiresSignIn(IList<object> metadata) =>
        metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();
}
