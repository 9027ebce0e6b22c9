using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace GroupBuy.Reliability.Tests;

/// <summary>What the server acknowledged: an order it created (201) or paid (200), with its owner and, for a team seat, its team.</summary>
public sealed record Acknowledged(string OrderId, string ShopperId, bool Paid, string? TeamId, string? IdempotencyKey);

/// <summary>
/// A merchant's product with a flash sale and a group buy, and shoppers buying, joining and paying against whichever
/// server process is current; every acknowledged answer is recorded so it can be looked for after a crash.
/// </summary>
public sealed class Shop(int shoppers) : IDisposable
{
    public const int Stock = 1000;
    public const int SaleQuantity = 40;
    public const int PerUserLimit = 3;
    public const int TeamSize = 2;

    /// <summary>The merchant who owns the product and both campaigns.</summary>
    public const string Merchant = "crash-merchant";

    private readonly ConcurrentDictionary<string, string> _tokens = new(StringComparer.Ordinal);

    /// <summary>
    /// Each shopper's orders not paid yet, kept from one drive to the next: a seat left unpaid when a drive ended (the server
    /// killed) holds its shopper in a forming team, and only paying it, or its pay-by time, lets them join another.
    /// </summary>
    private readonly ConcurrentDictionary<string, List<(string OrderId, string? TeamId)>> _unpaid = new(StringComparer.Ordinal);
    private HttpClient _client = new();

    private int _unavailable;

    public ConcurrentQueue<Acknowledged> Acks { get; } = new();

    /// <summary>How many 503 answers the traffic has had.</summary>
    public int Unavailable => Volatile.Read(ref _unavailable);

    /// <summary>The shoppers who drive traffic.</summary>
    public IReadOnlyList<string> Shoppers { get; } = [.. Enumerable.Range(1, shoppers).Select(i => $"shopper-{i}")];

    /// <summary>A shopper outside the traffic who buys and opens a team and never pays (<see cref="LeaveUnpaidAsync"/>).</summary>
    public const string Latecomer = "latecomer";

    /// <summary>Everyone whose orders are checked: the traffic's shoppers and the latecomer.</summary>
    public IEnumerable<string> Everyone => Shoppers.Append(Latecomer);

    public string Sku { get; } = "crash-sku";

    public string SaleId { get; private set; } = "";

    public string CampaignId { get; private set; } = "";

    public IEnumerable<string> Teams => Acks.Select(a => a.TeamId).OfType<string>().Distinct();

    /// <summary>Points the shop at a (re)started server and signs everyone in again.</summary>
    public async Task ConnectAsync(Uri address, CancellationToken cancellationToken)
    {
        _client.Dispose();
        _client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(15) };
        foreach (var (user, role) in Everyone.Select(s => (s, "shopper")).Append((Merchant, "merchant")))
        {
            var minted = await _client.PostAsJsonAsync("/api/dev/tokens", new { userId = user, role, name = user }, cancellationToken);
            minted.EnsureSuccessStatusCode();
            _tokens[user] = (await minted.Content.ReadFromJsonAsync<JsonObject>(cancellationToken))!["token"]!.GetValue<string>();
        }
    }

    public async Task OpenAsync(TimeSpan teamWindow, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        await SendAsync(Merchant, HttpMethod.Post, "/api/products", new { sku = Sku, name = "Rice", price = 100, stock = Stock }, cancellationToken: cancellationToken);
        SaleId = (await SendAsync(Merchant, HttpMethod.Post, "/api/flash-sales",
            new { sku = Sku, price = 50, quantity = SaleQuantity, startsAt = now.AddMinutes(-1), endsAt = now.AddHours(1), perUserLimit = PerUserLimit }, cancellationToken: cancellationToken))!["id"]!.GetValue<string>();
        CampaignId = (await SendAsync(Merchant, HttpMethod.Post, "/api/group-buys",
            new { sku = Sku, price = 60, soloPrice = 100, teamSize = TeamSize, teamWindowSeconds = (int)teamWindow.TotalSeconds, quantity = 200, startsAt = now.AddMinutes(-1), endsAt = now.AddHours(1) },
            cancellationToken: cancellationToken))!["id"]!.GetValue<string>();
    }

    /// <summary>
    /// Each shopper buys, joins and pays in a loop until <paramref name="stop"/> is cancelled or the server stops
    /// answering; refusals (sold out, limits) are part of the traffic. <paramref name="payments"/> is the share of
    /// orders paid. Returns the answers of 500 or more other than 503, and requests that hung.
    /// </summary>
    public async Task<List<string>> DriveAsync(int seed, double payments, CancellationToken stop)
    {
        var errors = new ConcurrentQueue<string>();
        await Task.WhenAll(Shoppers.Select((shopper, i) => Task.Run(() => ShopAsync(shopper, new Random(seed + i), payments, errors, stop), CancellationToken.None)));
        return [.. errors];
    }

    /// <summary>
    /// The latecomer buys a unit and opens a team of its own, and pays neither: whatever the traffic did, there is then
    /// an order whose pay-by time and a team whose deadline are pending. Returns the two orders' ids and the team's.
    /// </summary>
    public async Task<(string SaleOrderId, string SeatOrderId, string TeamId)> LeaveUnpaidAsync(CancellationToken cancellationToken)
    {
        var order = (await SendAsync(Latecomer, HttpMethod.Post, $"/api/flash-sales/{SaleId}/purchases", new { quantity = 1 }, cancellationToken: cancellationToken))!;
        var saleOrderId = order["id"]!.GetValue<string>();
        Acks.Enqueue(new Acknowledged(saleOrderId, Latecomer, Paid: false, null, null));
        var opened = (await SendAsync(Latecomer, HttpMethod.Post, $"/api/group-buys/{CampaignId}/teams", null, cancellationToken: cancellationToken))!;
        var (seatOrderId, teamId) = (opened["order"]!["id"]!.GetValue<string>(), opened["team"]!["id"]!.GetValue<string>());
        Acks.Enqueue(new Acknowledged(seatOrderId, Latecomer, Paid: false, teamId, null));
        return (saleOrderId, seatOrderId, teamId);
    }

    public Task<JsonObject?> GetAsync(string caller, string url, CancellationToken cancellationToken) =>
        SendAsync(caller, HttpMethod.Get, url, null, cancellationToken: cancellationToken);

    public async Task<JsonArray> OrdersOfAsync(string shopper, CancellationToken cancellationToken)
    {
        using var request = Request(shopper, HttpMethod.Get, "/api/me/orders", null, null);
        var response = await _client.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonArray>(cancellationToken))!;
    }

    /// <summary>Sends a request; the answer's body when it succeeded, else null (a refusal); throws when the server is gone.</summary>
    public async Task<JsonObject?> SendAsync(string caller, HttpMethod method, string url, object? body, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        using var request = Request(caller, method, url, body, idempotencyKey);
        var sent = DateTimeOffset.UtcNow;
        HttpResponseMessage response;
        try
        {
            response = await _client.SendAsync(request, cancellationToken);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{caller}: {method} {url}, sent at {sent:HH:mm:ss.fff}, got no answer within {_client.Timeout}", exception);
        }
        using var _ = response;
        var status = (int)response.StatusCode;
        if (status >= 500)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            // A 503 is a fair refusal only as a problem with a code and a Retry-After; anything else counts as a failure.
            var fair = status == 503 && response.Headers.RetryAfter is not null && response.Content.Headers.ContentType?.MediaType == "application/problem+json"
                && JsonNode.Parse(text)?["code"] is not null;
            throw new ServerErrorException(status, $"{method} {url}: {status} {text}") { IsFairRefusal = fair };
        }
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken) : null;
    }

    public void Dispose() => _client.Dispose();

    private async Task ShopAsync(string shopper, Random random, double payments, ConcurrentQueue<string> errors, CancellationToken stop)
    {
        var unpaid = _unpaid.GetOrAdd(shopper, _ => []);   // this shopper's task alone uses it
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (unpaid.Count > 0 && random.NextDouble() < payments)
                {
                    var (orderId, teamId) = unpaid[random.Next(unpaid.Count)];
                    // A 503 throws before the order leaves the list, so it is paid later: an unpaid seat left behind would
                    // hold its shopper in a forming team (one seat per campaign) and stall the traffic.
                    var paid = await SendAsync(shopper, HttpMethod.Post, $"/api/orders/{orderId}/pay", null, cancellationToken: stop);
                    unpaid.Remove((orderId, teamId));
                    if (paid is not null)
                    {
                        Acks.Enqueue(new Acknowledged(orderId, shopper, Paid: true, teamId, null));
                    }
                }
                else if (random.Next(2) == 0)
                {
                    var key = $"k-{Guid.NewGuid():N}";
                    if (await SendAsync(shopper, HttpMethod.Post, $"/api/flash-sales/{SaleId}/purchases", new { quantity = 1 }, key, stop) is { } order)
                    {
                        var id = order["id"]!.GetValue<string>();
                        Acks.Enqueue(new Acknowledged(id, shopper, Paid: false, null, key));
                        unpaid.Add((id, null));
                    }
                }
                else if (await SendAsync(shopper, HttpMethod.Post, $"/api/group-buys/{CampaignId}/quick-join", null, cancellationToken: stop) is { } join)
                {
                    var id = join["order"]!["id"]!.GetValue<string>();
                    var teamId = join["team"]!["id"]!.GetValue<string>();
                    Acks.Enqueue(new Acknowledged(id, shopper, Paid: false, teamId, null));
                    unpaid.Add((id, teamId));
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or SocketException)
            {
                // The server was killed under this request: what it did not answer, it did not acknowledge. A connection
                // torn down as it opens can surface as the socket's own error rather than the HTTP client's.
                return;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (TimeoutException exception)
            {
                errors.Enqueue(exception.Message);
            }
            catch (ServerErrorException e) when (e.IsFairRefusal)
            {
                // Overload or an outage: a fast refusal the shopper may retry.
                Interlocked.Increment(ref _unavailable);
            }
            catch (ServerErrorException e)
            {
                errors.Enqueue(e.Message);
            }
        }
    }

    private HttpRequestMessage Request(string caller, HttpMethod method, string url, object? body, string? idempotencyKey)
    {
        var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _tokens[caller]);
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return request;
    }
}

public sealed class ServerErrorException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;

    /// <summary>A 503 problem with a code and a Retry-After: the fast refusal an outage or overload should give.</summary>
    public bool IsFairRefusal { get; init; }
}
