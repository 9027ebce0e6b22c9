using GroupBuy.Api.Errors;
using GroupBuy.Api.Identity;
using GroupBuy.Api.Json;
using GroupBuy.Api.Operations;
using GroupBuy.Api.Products;
using GroupBuy.Silo;

namespace GroupBuy.Api;

/// <summary>The application's registrations and routes, kept out of Program.cs.</summary>
public static class ApiServiceCollectionExtensions
{
    public static WebApplicationBuilder AddApplicationServices(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = Limits.MaxRequestBodyBytes);
        builder.AddSilo();
        builder.Services.ConfigureHttpJsonOptions(options => JsonSetup.Configure(options.SerializerOptions));
        builder.Services.AddProblems();
        builder.Services.AddExceptionHandler<ExceptionProblems>();
        builder.Services.AddIdentity();
        builder.Services.AddOperations();
        return builder;
    }

    public static WebApplication MapApplication(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOperations();
        app.MapDevTokens();
        app.MapProducts();
        return app;
    }
}
