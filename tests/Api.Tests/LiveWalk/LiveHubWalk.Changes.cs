using System.Text.Json.Nodes;

namespace GroupBuy.Api.Tests.LiveWalk;

/// <summary>The walk's HTTP steps: what changes the watched topics (joins, payments, purchases, posts, group membership).</summary>
internal sealed partial class LiveHubWalk
{
    private async Task JoinTeamAsync() => Joined([await OneJoinAsync(Pick(Users))]);

    /// <summary>Two or three shoppers join at once, racing for the same seats.</summary>
    private async Task JoinTeamsAtOnceAsync()
    {
        var joiners = Users.OrderBy(_ => _random.Next()).Take(_random.Next(2, 4)).ToList();
        var kinds = joiners.Select(_ => _random.Next(3)).ToList();
        var team = _teams.Count > 0 ? Pick(_teams) : null;
        Joined(await Task.WhenAll(joiners.Select((user, i) => OneJoinAsync(user, kinds[i], team))));
    }

    private Task<(string UserId, string How, JsonNode? Answer)> OneJoinAsync(string userId) =>
        OneJoinAsync(userId, _random.Next(3), _teams.Count > 0 ? Pick(_teams) : null);

    /// <summary>Opens a team, joins <paramref name="team"/>, or quick-joins; a shopper already seated is refused with 409.</summary>
    private async Task<(string UserId, string How, JsonNode? Answer)> OneJoinAsync(string userId, int kind, string? team)
    {
        var (how, path) = kind switch
        {
            0 when _teams.Count < MaxTeams || team is null => ("opens a team", $"/api/group-buys/{_groupBuy}/teams"),
            1 when team is not null => ($"joins team {team}", $"/api/teams/{team}/members"),
            _ => ("quick-joins", $"/api/group-buys/{_groupBuy}/quick-join"),
        };
        return (userId, how, await PostAsync(_shoppers[userId], path, null, 201, 409));
    }

    private void Joined(IEnumerable<(string UserId, string How, JsonNode? Answer)> joins)
    {
        foreach (var (userId, how, answer) in joins)
        {
            if (answer?["team"]?["id"]?.GetValue<string>() is not { } team)
            {
                Note($"{userId} {how}: refused, {answer?["code"]}");
                continue;
            }
            if (!_teams.Contains(team))
            {
                _teams.Add(team);
            }
            _unpaid.Add((userId, answer["order"]!["id"]!.GetValue<string>()));
            Note($"{userId} {how}: seated in team {team}, v{answer["team"]!["version"]} ({answer["team"]!["joined"]}/{TeamSize})");
        }
    }

    /// <summary>Pays an order: a team whose seats are all paid succeeds (a terminal state); a paid sale order moves the sale.</summary>
    private async Task PayAsync()
    {
        if (_unpaid.Count == 0)
        {
            await JoinTeamAsync();
            return;
        }
        var (userId, orderId) = _unpaid[_random.Next(_unpaid.Count)];
        _unpaid.Remove((userId, orderId));
        var paid = await PostAsync(_shoppers[userId], $"/api/orders/{orderId}/pay", null, 200, 409);
        Note($"{userId} pays order {orderId}: {paid?["status"] ?? paid?["code"]}");
    }

    /// <summary>One or two shoppers buy at once; the sale sells out (a terminal state) after a dozen units.</summary>
    private async Task PurchaseAsync()
    {
        var buyers = Users.OrderBy(_ => _random.Next()).Take(_random.Next(1, 3)).ToList();
        var quantities = buyers.Select(_ => _random.Next(1, 3)).ToList();
        var answers = await Task.WhenAll(buyers.Select((userId, i) =>
            PostAsync(_shoppers[userId], $"/api/flash-sales/{_flashSale}/purchases", new { quantity = quantities[i] }, 201, 409, 422)));
        for (var i = 0; i < buyers.Count; i++)
        {
            if (answers[i]?["id"]?.GetValue<string>() is { } orderId)
            {
                _unpaid.Add((buyers[i], orderId));
            }
            Note($"{buyers[i]} buys {quantities[i]}: {answers[i]?["status"] ?? answers[i]?["code"]}");
        }
    }

    /// <summary>Members post (one or two at once); now and then someone outside the group tries and is refused.</summary>
    private async Task PostAsync()
    {
        var outsiders = Users.Where(u => !_members.Contains(u)).ToList();
        if (outsiders.Count > 0 && _random.Next(5) == 0)
        {
            var outsider = Pick(outsiders);
            await PostAsync(_shoppers[outsider], $"/api/groups/{_group}/messages", new { text = $"from outside, step {_step}" }, 403);
            Note($"{outsider} (not a member) posts: refused");
            return;
        }
        var authors = _members.OrderBy(_ => _random.Next()).Take(_random.Next(1, 3)).ToList();
        var posted = await Task.WhenAll(authors.Select(author =>
            PostAsync(_shoppers[author], $"/api/groups/{_group}/messages", new { text = $"step {_step} from {author}" }, 201)));
        Note($"{string.Join(", ", authors)} post: seq {string.Join(", ", posted.Select(p => p!["seq"]))}");
    }

    /// <summary>
    /// A shopper other than the leader joins the group, or leaves it: leaving ends every watch of the group on all of
    /// their connections, so nothing the group does after the leave may reach them.
    /// </summary>
    private async Task JoinOrLeaveGroupAsync()
    {
        var userId = Pick(Users[1..]);
        var client = _shoppers[userId];
        if (!_members.Contains(userId))
        {
            await PostAsync(client, $"/api/groups/{_group}/members", null, 200, 201);
            _members.Add(userId);
            Note($"{userId} joins the group");
            return;
        }
        var left = await client.DeleteAsync($"/api/groups/{_group}/members/me", Token);
        await ExpectAsync(left, 204);
        _members.Remove(userId);
        var afterLeave = TopicTarget.Of(await ReadAsync(GroupTopic));
        foreach (var connection in _connections.Where(c => c.UserId == userId))
        {
            connection.Watch(GroupTopic).Closed(connection.Client.ReceivedSoFar, afterLeave.Version, afterLeave.LastSeq);
        }
        Note($"{userId} leaves the group at v{afterLeave.Version}, message {afterLeave.LastSeq}");
    }

    /// <summary>One change of <paramref name="topic"/> by someone allowed to make it (it may be refused: a full team, a sold-out sale).</summary>
    private async Task ChangeAsync(string topic)
    {
        var userId = Pick(Users);
        switch (topic.Split(':'))
        {
            case ["flash-sale", _]:
                var bought = await PostAsync(_shoppers[userId], $"/api/flash-sales/{_flashSale}/purchases", new { quantity = 1 }, 201, 409, 422);
                Note($"{userId} buys 1: {bought?["code"] ?? bought?["status"]}");
                break;
            case ["group-buy", _]:
                Joined([await OneJoinAsync(userId, kind: 2, team: null)]);
                break;
            case ["team", var team]:
                Joined([await OneJoinAsync(userId, kind: 1, team)]);
                break;
            default:
                var author = Pick(_members.ToList());
                var posted = await PostAsync(_shoppers[author], $"/api/groups/{_group}/messages", new { text = $"step {_step}" }, 201);
                Note($"{author} posts seq {posted!["seq"]}");
                break;
        }
    }
}
