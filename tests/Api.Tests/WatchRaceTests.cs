using System.Reflection;
using GroupBuy.Grains.Interfaces.GroupBuys;
using GroupBuy.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBuy.Api.Tests;

/// <summary>The API whose team reads can be made to race a change, as a busy server would.</summary>
public sealed class RacingLiveServer : LiveServer
{
    public TeamReadHook Hook { get; } = new();

    public override ValueTask InitializeAsync()
    {
        Factory.TestServices = services => services.AddSingleton<IGrainFactory>(sp => new HookedGrains(sp.GetRequiredService<GrainRuntime>().GrainFactory, Hook));
        return base.InitializeAsync();
    }

    /// <summary>Runs <see cref="After"/> once, after the next read of a team has taken its snapshot and before it is answered.</summary>
    public sealed class TeamReadHook
    {
        private Func<Task>? _after;

        public Func<Task>? After { set => Volatile.Write(ref _after, value); }

        public Func<Task>? Take() => Interlocked.Exchange(ref _after, null);
    }

    private sealed class HookedGrains(IGrainFactory inner, TeamReadHook hook) : IGrainFactory
    {
        public TGrain GetGrain<TGrain>(string key) where TGrain : IGrainWithStringKey
        {
            var grain = inner.GetGrain<TGrain>(key);
            if (grain is not ITeamGrain team)
            {
                return grain;
            }
            var proxy = DispatchProxy.Create<ITeamGrain, HookedTeam>();
            ((HookedTeam)(object)proxy).Wrap(team, hook);
            return (TGrain)proxy;
        }

        public TGrain GetGrain<TGrain>(Guid key) where TGrain : IGrainWithGuidKey => inner.GetGrain<TGrain>(key);

        public TGrain GetGrain<TGrain>(long key) where TGrain : IGrainWithIntegerKey => inner.GetGrain<TGrain>(key);
    }

    public class HookedTeam : DispatchProxy
    {
        private ITeamGrain _team = null!;
        private TeamReadHook _hook = null!;

        public void Wrap(ITeamGrain team, TeamReadHook hook) => (_team, _hook) = (team, hook);

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod!.Name == nameof(ITeamGrain.Get) && _hook.Take() is { } after ? ReadThenChange(after) : targetMethod.Invoke(_team, args);

        private async Task<TeamSnapshot?> ReadThenChange(Func<Task> after)
        {
            var snapshot = await _team.Get();
            await after();
            return snapshot;
        }
    }
}

public sealed class WatchRaceTests(RacingLiveServer server) : IClassFixture<RacingLiveServer>
{
    [Fact]
    public async Task A_change_made_while_a_watch_reads_its_snapshot_reaches_the_watcher()
    {
        var id = await GroupBuysApiTests.CampaignAsync(server.Factory, teamSize: 3);
        var leader = await server.Factory.SignedInAsync("race-leader", "shopper");
        var friend = await server.Factory.SignedInAsync("race-friend", "shopper");
        var teamId = (await (await leader.PostAsync($"/api/group-buys/{id}/teams", null, ApiClient.Token)).JsonAsync())["team"]!["id"]!.GetValue<string>();
        await using var watcher = await server.ConnectAsync();
        // The friend joins after the watch has read the team and before the watcher is subscribed to it.
        server.Hook.After = async () => (await friend.PostAsync($"/api/teams/{teamId}/members", null, ApiClient.Token)).EnsureSuccessStatusCode();

        var answer = await watcher.InvokeAsync("Watch", $"team:{teamId}");

        // The join is in the answer or in a push after it: the watcher is never left a version behind with no push to come.
        var newest = Math.Max(answer!["version"]!.GetValue<long>(), watcher.Drain("progress").Select(p => p["version"]!.GetValue<long>()).DefaultIfEmpty(0).Max());
        var joined = (await (await server.Factory.CreateClient().GetAsync($"/api/teams/{teamId}", ApiClient.Token)).JsonAsync())["version"]!.GetValue<long>();
        Assert.Equal(joined, newest);
        Assert.Equal(2, answer["joined"]!.GetValue<int>());
    }
}
