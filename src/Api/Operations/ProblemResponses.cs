using System.Reflection;
using System.Text.Json.Nodes;
using GroupBuy.Api.Common;
using GroupBuy.Api.Errors;
using GroupBuy.Grains.Interfaces;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace GroupBuy.Api.Operations;

/// <summary>
/// Lists in the OpenAPI document every refusal a route can answer, by status, each with the codes behind it and the
/// <c>Problem</c> schema (a problem detail with its <c>code</c> and, for <c>validation</c>, its <c>errors</c>), so a
/// client generated from the document knows its failures as well as its successes.
/// </summary>
internal sealed class ProblemResponses : IOpenApiOperationTransformer
{
    private const string SchemaId = "Problem";
    private const string ProblemJson = "application/problem+json";

    /// <summary>Every code, in the order the contract lists them.</summary>
    private static readonly string[] AllCodes = [.. typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(field => field.IsLiteral).Select(field => (string)field.GetRawConstantValue()!)];

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var refusals = RefusalsOf(operation, context.Description);
        if (refusals.Count == 0)
        {
            return Task.CompletedTask;
        }
        var document = context.Document!;
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas.TryAdd(SchemaId, Schema());
        operation.Responses ??= [];
        foreach (var byStatus in refusals.GroupBy(refusal => refusal.Status, refusal => refusal.Code).OrderBy(group => group.Key))
        {
            operation.Responses[byStatus.Key.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new OpenApiResponse
            {
                Description = $"Refused with {OneOf([.. byStatus.Select(code => $"`{code}`")])}.",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    [ProblemJson] = new() { Schema = new OpenApiSchemaReference(SchemaId, document) },
                },
            };
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// The route's own refusals and those its kind always has, each with its status, in the contract's order of codes.
    /// Any route refuses a body over the size limit (413), and one that takes a body refuses one that is not JSON (415),
    /// both as <c>validation</c>.
    /// </summary>
    private static List<(int Status, string Code)> RefusalsOf(OpenApiOperation operation, Microsoft.AspNetCore.Mvc.ApiExplorer.ApiDescription description)
    {
        var codes = CodesOf(operation, description);
        List<(int Status, string Code)> refusals = [.. codes.Select(code => (Problems.StatusOf(code), code))];
        if (codes.Count > 0)
        {
            refusals.Add((StatusCodes.Status413PayloadTooLarge, ErrorCodes.Validation));
        }
        if (operation.RequestBody is not null)
        {
            refusals.Add((StatusCodes.Status415UnsupportedMediaType, ErrorCodes.Validation));
        }
        return refusals;
    }

    private static List<string> CodesOf(OpenApiOperation operation, Microsoft.AspNetCore.Mvc.ApiExplorer.ApiDescription description)
    {
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var write = !HttpMethods.IsGet(description.HttpMethod ?? "GET");
        var codes = new HashSet<string>(metadata.OfType<RefusalCodes>().SelectMany(refusals => refusals.Codes), StringComparer.Ordinal);
        if (operation.RequestBody is not null || operation.Parameters?.Any(p => p.In is ParameterLocation.Query or ParameterLocation.Header) == true)
        {
            codes.Add(ErrorCodes.Validation);
        }
        if (BearerSecurity.RequiresSignIn(metadata))
        {
            codes.Add(ErrorCodes.Unauthorized);
            if (metadata.OfType<IAuthorizeData>().Any(data => !string.IsNullOrEmpty(data.Policy) || !string.IsNullOrEmpty(data.Roles)))
            {
                codes.Add(ErrorCodes.Forbidden);
            }
        }
        if (metadata.OfType<RouteRateLimit>().Any())
        {
            codes.Add(ErrorCodes.RateLimited);
        }
        if (write && metadata.OfType<IdempotentWrites>().Any())
        {
            codes.Add(ErrorCodes.Validation);
            codes.Add(ErrorCodes.Conflict);
            codes.Add(ErrorCodes.RateLimited);   // a new key past the caller's limit of live keys
        }
        if (description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true)
        {
            codes.Add(ErrorCodes.Overloaded);
        }
        return [.. AllCodes.Where(codes.Contains)];
    }

    private static OpenApiSchema Schema() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "An RFC 9457 problem detail with the contract's machine-readable code.",
        Required = new HashSet<string>(["type", "title", "status", "code"], StringComparer.Ordinal),
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = Text("A relative URI naming the problem type, e.g. /problems/sold-out."),
            ["title"] = Text("The code in words."),
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Description = "The HTTP status." },
            ["detail"] = Text("What went wrong with this request, for people."),
            ["code"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "The stable code clients branch on.",
                Enum = [.. AllCodes.Select(code => (JsonNode)JsonValue.Create(code))],
            },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "For validation: each wrong field and its messages.",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = Text(null) },
            },
        },
    };

    private static string OneOf(string[] codes) => codes.Length == 1 ? codes[0] : $"{string.Join(", ", codes[..^1])} or {codes[^1]}";

    private static OpenApiSchema Text(string? description) => new() { Type = JsonSchemaType.String, Description = description };
}
