using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace GroupBuy.Api.Tests.LiveWalk;

/// <summary>
/// A seeded random walk of the live hub over a real server: several connections (some of one shopper, one anonymous)
/// watch and unwatch teams, a group buy, a flash sale and a group chat, sometimes twice or racing an unwatch on one
/// connection, while shoppers join, pay, buy, post, join and leave the group over HTTP, and connections are cut and
/// come back. After every step each connection's pushes are checked against its watches (<see cref="TopicWatch"/>)
/// and every open watch must come to see what the server answers over HTTP (<see cref="WalkConnection.SettleAsync"/>).
/// </summary>
internal sealed partial class LiveHubWalk(LiveServer server, int seed)
{
    private const int TeamSize = 3;
    private const int MaxTeams = 10;

    private readonly Random _random = new(seed);
    private readonly List<string> _log = [];
    private readonly Dictionary<string, HttpClient> _shoppers = new(StringComparer.Ordinal);
    private readonly List<WalkConnection> _connections = [];
    private readonly Dictionary<string, TopicTarget> _targets = new(StringComparer.Ordinal);
    /// <summary>Sorted, so that picking from it depends on the seed alone (string hashes differ from run to run).</summary>
    private readonly SortedSet<string> _members = new(StringComparer.Ordinal);
    private readonly List<string> _teams = [];
    private readonly List<(string UserId, string OrderId)> _unpaid = [];
    private HttpClient _public = null!;
    private string _groupBuy = "";
    private string _flashSale = "";
    private string _group = "";
    private string _leader = "";
    private int _step;
    private int _pushesOfClosedConnections;

    public IReadOnlyList<string> Log => _log;

    private static CancellationToken Token => ApiClient.Token;

    private string[] Users => [.. _shoppers.Keys];

    private string GroupTopic => $"group:{_group}";

    public async Task RunAsync(int steps)
    {
        var failed = false;
        try
        {
            await SetUpAsync();
            for (_step = 1; _step <= steps; _step++)
            {
                var roll = _random.Next(100);
                await (roll switch
                {
                    < 12 => WatchAsync(),
                    < 16 => WatchTwiceAtOnceAsync(),
                    < 20 => WatchManyAtOnceAsync(),
                    < 27 => UnwatchAsync(),
                    < 32 => WatchRacingUnwatchAsync(),
                    < 46 => ChurnDuringChangesAsync(),
                    < 54 => JoinTeamAsync(),
                    < 58 => JoinTeamsAtOnceAsync(),
                    < 68 => PayAsync(),
                    < 75 => PurchaseAsync(),
                    < 83 => PostAsync(),
                    < 90 => JoinOrLeaveGroupAsync(),
                    _ => DropAndReconnectAsync(),
                });
                await SettleAsync();
            }
            Note($"{_pushesOfClosedConnections + _connections.Sum(c => c.PushesChecked)} pushes checked");
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            foreach (var connection in _connections)
            {
                try
                {
                    await connection.DisposeAsync();
                }
                catch (Exception) when (failed)
                {
                    // The step's failure is the one to report, not what closing its connections threw after it.
                }
            }
        }
    }

    private async Task SetUpAsync()
    {
        _public = server.Factory.CreateClient();
        foreach (var letter in "abcde")
        {
            var userId = $"walk{seed}-{letter}";
            _shoppers[userId] = await server.Factory.SignedInAsync(userId, "shopper");
        }
        _leader = Users[0];
        (_groupBuy, _flashSale) = await CampaignsAsync();
        _group = (await PostAsync(_shoppers[_leader], "/api/groups", new { name = $"walk {seed}" }, 201))!["id"]!.GetValue<string>();
        _members.Add(_leader);
        foreach (var member in Users[1..3])
        {
            await PostAsync(_shoppers[member], $"/api/groups/{_group}/members", null, 201);
            _members.Add(member);
        }
        var connectionUsers = new string?[] { Users[0], Users[1], Users[2], Users[3], Users[4], Users[0], Users[2], null };
        for (var i = 0; i < connectionUsers.Length; i++)
        {
            _connections.Add(await ConnectAsync($"c{i}", connectionUsers[i]));
        }
        await RefreshTargetsAsync();
        foreach (var connection in _connections)
        {
            foreach (var topic in Topics().Where(t => MayWatch(connection, t) && _random.Next(2) == 0))
            {
                connection.Watch(topic).WatchSent(connection.Client.ReceivedSoFar);
                Answered(connection, topic, await OutcomeAsync(connection.Client.InvokeInOrderAsync("Watch", topic)), _targets[topic]);
            }
        }
        Note($"seed {seed}: group buy {_groupBuy}, flash sale {_flashSale}, group {_group} led by {_leader}; connections {string.Join(", ", _connections.Select(c => $"{c.Name}={c.UserId ?? "anonymous"}"))}");
    }

    private async Task<(string GroupBuy, string FlashSale)> CampaignsAsync()
    {
        var merchant = await server.Factory.SignedInAsync("walk-merchant", "merchant");
        var sku = $"walk-{seed}-{Guid.NewGuid():N}";
        await PostAsync(merchant, "/api/products", new { sku, name = "Lychees", price = 1_000, stock = 1_000 }, 201);
        var now = DateTimeOffset.UtcNow;
        var groupBuy = await PostAsync(merchant, "/api/group-buys", new
        {
            sku, price = 600, soloPrice = 1_000, teamSize = TeamSize, teamWindowSeconds = 3_600, quantity = 200,
            startsAt = now.AddMinutes(-1), endsAt = now.AddDays(1),
        }, 201);
        var flashSale = await PostAsync(merchant, "/api/flash-sales", new
        {
            sku, price = 500, quantity = 40, perUserLimit = 20, startsAt = now.AddMinutes(-1), endsAt = now.AddDays(1),
        }, 201);
        return (groupBuy!["id"]!.GetValue<string>(), flashSale!["id"]!.GetValue<string>());
    }

    private async Task<WalkConnection> ConnectAsync(string name, string? userId) =>
        new(name, userId, await server.ConnectAsync(userId));

    /// <summary>Reads every topic as the server answers it now; what a watcher must come to see after the step.</summary>
    private async Task RefreshTargetsAsync()
    {
        var reads = Topics().Select(async topic => (topic, await ReadAsync(topic)));
        foreach (var (topic, snapshot) in await Task.WhenAll(reads))
        {
            _targets[topic] = TopicTarget.Of(snapshot);
        }
    }

    private async Task<JsonNode> ReadAsync(string topic)
    {
        var (client, path) = topic.Split(':') switch
        {
            ["team", var id] => (_public, $"/api/teams/{id}"),
            ["group-buy", var id] => (_public, $"/api/group-buys/{id}"),
            ["flash-sale", var id] => (_public, $"/api/flash-sales/{id}"),
            ["group", var id] => (_shoppers[_leader], $"/api/groups/{id}"),
            _ => throw new InvalidOperationException(topic),
        };
        var response = await client.GetAsync(path, Token);
        await ExpectAsync(response, 200);
        return (await response.Content.ReadFromJsonAsync<JsonNode>(Token))!;
    }

    private IEnumerable<string> Topics() =>
        [$"group-buy:{_groupBuy}", $"flash-sale:{_flashSale}", GroupTopic, .. _teams.Select(t => $"team:{t}")];

    private async Task SettleAsync()
    {
        await RefreshTargetsAsync();
        foreach (var connection in _connections)
        {
            await connection.SettleAsync(_targets, Token);
        }
    }

    private async Task<JsonNode?> PostAsync(HttpClient client, string path, object? body, params int[] expected)
    {
        var response = body is null ? await client.PostAsync(path, null, Token) : await client.PostAsJsonAsync(path, body, Token);
        await ExpectAsync(response, expected);
        return response.Content.Headers.ContentLength == 0 ? null : await response.Content.ReadFromJsonAsync<JsonNode>(Token);
    }

    /// <summary>Every answer is one the contract names; a 5xx is the server broken.</summary>
    private static async Task ExpectAsync(HttpResponseMessage response, params int[] expected)
    {
        var status = (int)response.StatusCode;
        if (!expected.Contains(status))
        {
            var body = await response.Content.ReadAsStringAsync(Token);
            throw new LiveContractViolation($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery} answered {status}, expected {string.Join(" or ", expected)}: {body}");
        }
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    private void Note(string line) => _log.Add($"{_step,3}: {line}");
}
