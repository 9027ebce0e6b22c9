using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace GroupBuy.Api.Operations;

/// <summary>
/// Request bodies bind to records of nullable fields, so that a missing or null field is refused by the route's checks
/// with a <c>validation</c> problem naming it, not by the serializer. The document still shows what a client must
/// send: a field without a default is required and never null; one declared with a default (<c>= null</c>) is optional.
/// The API's request records are named for it (<c>PurchaseRequest</c>, <c>CreateProductRequest</c>…), and so are
/// their schemas.
/// </summary>
internal sealed class RequestSchemas : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var (id, schema) in document.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>())
        {
            if (id.EndsWith("Request", StringComparison.Ordinal) && schema is OpenApiSchema { Properties: { } properties, Required: { } required })
            {
                foreach (var name in required)
                {
                    Require(properties, name);
                }
            }
        }
        return Task.CompletedTask;
    }

    private static void Require(IDictionary<string, IOpenApiSchema> properties, string name)
    {
        switch (properties.TryGetValue(name, out var property) ? property : null)
        {
            case OpenApiSchema { OneOf: [OpenApiSchema { Type: JsonSchemaType.Null }, var nested] }:
                properties[name] = nested;   // a nested object: "null or the object" becomes the object
                break;
            case OpenApiSchema { Type: { } kind } field:
                field.Type = kind & ~JsonSchemaType.Null;
                break;
        }
    }
}
