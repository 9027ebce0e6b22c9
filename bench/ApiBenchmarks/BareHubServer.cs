using System.Runtime;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GroupBuy.ApiBenchmarks;

/// <summary>
/// P5's baseline: a bare SignalR hub on plain ASP.NET Core, no grains, storage, authentication or feeds.
/// <c>Watch(topic)</c> adds the connection to the topic's group; <c>POST /broadcast</c> sends a <c>progress</c>
/// push of a requested record size to that group and answers 201 as soon as the send is issued, as the real
/// server's join answered when its grain still pushed on its own turn. With <c>--BareHub:Send queued</c> it
/// answers first and issues the send from the thread pool, as the real server's live feed now does (its pump
/// runs off the grain's turn), so the HTTP response no longer waits for the fan-out's synchronous part.
/// </summary>
public static class BareHubServer
{
    /// <summary>What the JSON hub protocol writes around an invocation's single argument (no invocation id).</summary>
    private static readonly int EnvelopeBytes = Encoding.UTF8.GetByteCount("""{"type":1,"target":"progress","arguments":[]}""");

    private static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web);

    public sealed record BroadcastRequest(string Topic, long Version, int Size);

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSignalR();
        var app = builder.Build();
        app.MapGet("/healthz", () => "Healthy");
        app.MapGet("/gc", () => GCSettings.IsServerGC ? "server" : "workstation");
        app.MapHub<BareHub>("/hubs/live");
        var queued = app.Configuration["BareHub:Send"] == "queued";
        app.MapPost("/broadcast", (BroadcastRequest request, IHubContext<BareHub> hub, ILoggerFactory logs) => Broadcast(request, hub, logs, queued));
        await app.RunAsync();
        return 0;
    }

    /// <summary>A payload <c>{ topic, version, data: { pad } }</c> padded so that its whole record is <c>Size</c> bytes.</summary>
    public static object Payload(string topic, long version, int size)
    {
        var bare = JsonSerializer.SerializeToUtf8Bytes(new { topic, version, data = new { pad = "" } }, PayloadJson).Length;
        var pad = Math.Max(0, size - EnvelopeBytes - bare);
        return new { topic, version, data = new { pad = new string('x', pad) } };
    }

    private static IResult Broadcast(BroadcastRequest request, IHubContext<BareHub> hub, ILoggerFactory logs, bool queued)
    {
        if (queued)
        {
            ThreadPool.UnsafeQueueUserWorkItem(_ => Send(request, hub, logs), null);
        }
        else
        {
            Send(request, hub, logs);
        }
        return Results.StatusCode(StatusCodes.Status201Created);
    }

    private static void Send(BroadcastRequest request, IHubContext<BareHub> hub, ILoggerFactory logs)
    {
        var sending = hub.Clients.Group(request.Topic).SendAsync("progress", Payload(request.Topic, request.Version, request.Size));
        if (!sending.IsCompleted)
        {
            var logger = logs.CreateLogger(nameof(BareHubServer));
            _ = sending.ContinueWith(
                t => logger.LogWarning(t.Exception, "broadcast failed"), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }
}

/// <summary>The bare hub: a group per topic, nothing else.</summary>
public sealed class BareHub : Hub
{
    public async Task<object> Watch(string topic)
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, topic, Context.ConnectionAborted);
        return new { topic };
    }
}
