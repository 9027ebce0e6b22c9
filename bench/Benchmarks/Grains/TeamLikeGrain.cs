using GroupBuy.Runtime;

namespace GroupBuy.Benchmarks.Grains;

/// <summary>What a group-buy team keeps, in the small: a few counters, a deadline, and its members.</summary>
public sealed record TeamLikeState
{
    public int Seats { get; init; } = 5;

    public int PriceCents { get; init; } = 1_990;

    public int Version { get; init; }

    public int Status { get; init; }

    public DateTimeOffset FormsBy { get; init; }

    public List<string> Members { get; init; } = [];
}

/// <summary>The grain of P6: activated by a trivial read, then left idle.</summary>
public interface ITeamLikeGrain : IGrainWithStringKey
{
    ValueTask<int> SeatsLeft();
}

public sealed class TeamLikeGrain([PersistentState(TeamLikeGrain.StateName)] IPersistentState<TeamLikeState> team) : Grain, ITeamLikeGrain
{
    public const string StateName = "team";

    /// <summary>The registered grain type (the class name less "Grain", in kebab case).</summary>
    public const string GrainType = "team-like";

    public ValueTask<int> SeatsLeft() => new(team.State.Seats - team.State.Members.Count);
}
