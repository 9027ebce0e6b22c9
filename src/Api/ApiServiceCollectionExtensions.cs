using GroupBuy.Api.Campaigns;
using GroupBuy.Api.Chats;
using GroupBuy.Api.Commissions;
using GroupBuy.Api.Common;
using GroupBuy.Api.Errors;
using GroupBuy.Api.FlashSales;
using GroupBuy.Api.GroupBuys;
using GroupBuy.Api.Identity;
using GroupBuy.Api.Json;
using GroupBuy.Api.Live;
using GroupBuy.Api.Operations;
using GroupBuy.Api.Orders;
using GroupBuy.Api.Pages;
using GroupBuy.Api.Products;
using GroupBuy.Api.Security;
using GroupBuy.Silo;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace GroupBuy.Api;

/// <summary>The application's registrations and routes, kept out of Program.cs.</summary>
public static class ApiServiceCollectionExtensions
{
    public static WebApplicationBuilder AddApplicationServices(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = Limits.MaxRequestBodyBytes);
        // The build output has no wwwroot of its own, only a manifest pointing at the project's; ASP.NET Core reads it in
        // Development alone, so a server started from the build output in any other environment had no pages. A
        // publish copies wwwroot and has no manifest, so there this does nothing.
        builder.WebHost.UseStaticWebAssets();
        builder.AddSilo();
        // Request bodies are read as a stream, as before ASP.NET Core 10: its pipe reader path compares a ReadOnlySequence
        // by reflection once per body (boxing, FieldInfo[]), measured at 5-6 µs of a purchase's server CPU (docs/benchmarks.md).
        AppContext.SetSwitch(JsonSetup.StreamBodiesSwitch, true);
        builder.Services.ConfigureHttpJsonOptions(options => JsonSetup.Configure(options.SerializerOptions));
        builder.Services.AddProblems();
        builder.Services.AddExceptionHandler<ExceptionProblems>();
        builder.Services.AddSecurityPolicies();
        builder.Services.AddIdentity();
        builder.Services.AddRateLimits();
        builder.Services.AddIdempotency();
        builder.Services.AddOperations();
        builder.Services.AddTelemetry(builder.Configuration);
        builder.Services.AddSignalR(hub => hub.AddFilter<HubProblems>()).AddJsonProtocol(options => JsonSetup.Configure(options.PayloadSerializerOptions));
        builder.Logging.AddFilter(HubProblems.FailedInvocationsCategory, LogLevel.Critical);
        builder.Services.AddSingleton<LiveFeeds>();
        builder.Services.AddSingleton<LiveMetrics>();
        builder.Services.AddOptions<LiveOptions>().BindConfiguration(LiveOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return builder;
    }

    public static WebApplication MapApplication(this WebApplication app)
    {
        app.UseBodilessRequests();
        app.UseRouting();
        app.UseSecurityPolicies();
        app.UseExceptionHandler();
        app.UseProblemStatusCodePages();
        app.UsePages();
        app.UseRequestSizeLimit();
        app.UseDraining(LiveHub.Path);
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOperations();
        app.MapDevTokens();
        app.MapProducts();
        app.MapFlashSales();
        app.MapGroupBuys();
        app.MapOrders();
        app.MapGroups();
        app.MapChains();
        app.MapCommissions();
        var live = app.Services.GetRequiredService<IOptions<LiveOptions>>().Value;
        app.MapHub<LiveHub>(LiveHub.Path, hub =>
        {
            // A connection ends when its token expires: members-only topics are not watched on an expired token.
            hub.CloseOnAuthenticationExpiration = true;
            hub.TransportSendTimeout = live.SendTimeout;
        });
        app.MapCampaigns();
        app.MapPages();
        return app;
    }
}
