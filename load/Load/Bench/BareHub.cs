using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GroupBuy.Load.Bench;

/// <summary>
/// P5's baseline, run by <c>load bare-hub --urls …</c> as its own process: plain ASP.NET Core SignalR, no grains,
/// storage or authentication. <c>Watch(topic)</c> joins the topic's group; <c>POST /broadcast</c> sends a
/// <c>progress</c> record of the requested size (with a <c>serverTime</c>, as the API's) and answers 201.
/// <c>--BareHub:Send inline</c> (the default) issues the group send, whose synchronous part writes every frame,
/// before it answers; <c>queued</c> answers first and sends from the thread pool, as the API's live feed does (its
/// pump runs off the grain's turn), so that both are timed from a response that does not wait for the fan-out.
/// </summary>
public static class BareHub
{
    private static readonly int EnvelopeBytes = Encoding.UTF8.GetByteCount("""{"type":1,"target":"progress","arguments":[]}""");
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public sealed record BroadcastRequest(string Topic, long Version, int Size);

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSignalR();
        var app = builder.Build();
        app.MapGet("/healthz", () => "Healthy");
        app.MapGet("/readyz", () => "Ready");
        app.MapHub<BareLiveHub>("/hubs/live");
        var queued = app.Configuration["BareHub:Send"] == "queued";
        app.MapPost("/broadcast", (BroadcastRequest request, IHubContext<BareLiveHub> hub) =>
        {
            if (queued)
            {
                ThreadPool.UnsafeQueueUserWorkItem(_ => Send(hub, request), null);
            }
            else
            {
                Send(hub, request);
            }
            return Results.StatusCode(StatusCodes.Status201Created);
        });
        await app.RunAsync();
        return 0;
    }

    private static void Send(IHubContext<BareLiveHub> hub, BroadcastRequest request) =>
        _ = hub.Clients.Group(request.Topic).SendAsync("progress", Payload(request.Topic, request.Version, request.Size, TimeProvider.System.GetUtcNow()));

    /// <summary><c>{ topic, version, data: { pad, serverTime } }</c>, padded so its whole record is <c>size</c> bytes.</summary>
    public static object Payload(string topic, long version, int size, DateTimeOffset serverTime)
    {
        var bare = JsonSerializer.SerializeToUtf8Bytes(new { topic, version, data = new { pad = "", serverTime } }, Json).Length;
        return new { topic, version, data = new { pad = new string('x', Math.Max(0, size - EnvelopeBytes - bare - 1)), serverTime } };
    }
}

/// <summary>The bare hub: a group per topic, nothing else.</summary>
public sealed class BareLiveHub : Hub
{
    public async Task<object> Watch(string topic)
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, topic, Context.ConnectionAborted);
        return new { topic };
    }
}
