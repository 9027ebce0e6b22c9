using GroupBuy.Grains.Interfaces.GroupBuys;

namespace GroupBuy.Grains.GroupBuys;

/// <summary>
/// A campaign's seats: the held ones (stored in the state, by order id) indexed by shopper and by team, and
/// the ones promised to quick-joins in flight (memory only). Every question the campaign asks before
/// taking a seat is answered here in O(1), synchronously, so a check and its change share one turn.
/// </summary>
internal sealed class SeatBook
{
    private readonly Dictionary<string, SeatRequest> _held;
    private readonly Dictionary<string, SeatRequest> _byShopper = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _byTeam = new(StringComparer.Ordinal);
    private readonly HashSet<(string TeamId, string ShopperId)> _promises = [];
    private readonly Dictionary<string, int> _promisedIn = new(StringComparer.Ordinal);

    public SeatBook(Dictionary<string, SeatRequest> held)
    {
        _held = held;
        foreach (var seat in held.Values)
        {
            Index(seat);
        }
    }

    public int Held => _held.Count;

    public int HeldIn(string teamId) => _byTeam.TryGetValue(teamId, out var orders) ? orders.Count : 0;

    public int PromisedIn(string teamId) => _promisedIn.GetValueOrDefault(teamId);

    public SeatRequest? HeldBy(string shopperId) => _byShopper.GetValueOrDefault(shopperId);

    public SeatRequest? Find(string orderId) => _held.GetValueOrDefault(orderId);

    /// <summary>Records a seat; a promise made for it is fulfilled.</summary>
    public void Take(SeatRequest seat)
    {
        _held[seat.OrderId] = seat;
        Index(seat);
        Unpromise(seat.TeamId, seat.ShopperId);
    }

    public bool Release(string orderId, string teamId)
    {
        if (!_held.TryGetValue(orderId, out var seat) || seat.TeamId != teamId)
        {
            return false;
        }
        _held.Remove(orderId);
        if (_byShopper.TryGetValue(seat.ShopperId, out var own) && own.OrderId == orderId)
        {
            _byShopper.Remove(seat.ShopperId);
        }
        var orders = _byTeam[teamId];
        orders.Remove(orderId);
        if (orders.Count == 0)
        {
            _byTeam.Remove(teamId);
        }
        return true;
    }

    public void ReleaseTeam(string teamId)
    {
        if (_byTeam.TryGetValue(teamId, out var orders))
        {
            foreach (var orderId in orders.ToList())
            {
                Release(orderId, teamId);
            }
        }
    }

    public void Promise(string teamId, string shopperId)
    {
        if (_promises.Add((teamId, shopperId)))
        {
            _promisedIn[teamId] = PromisedIn(teamId) + 1;
        }
    }

    public void Unpromise(string teamId, string shopperId)
    {
        if (!_promises.Remove((teamId, shopperId)))
        {
            return;
        }
        if (--_promisedIn[teamId] == 0)
        {
            _promisedIn.Remove(teamId);
        }
    }

    private void Index(SeatRequest seat)
    {
        _byShopper[seat.ShopperId] = seat;
        if (!_byTeam.TryGetValue(seat.TeamId, out var orders))
        {
            _byTeam[seat.TeamId] = orders = new HashSet<string>(StringComparer.Ordinal);
        }
        orders.Add(seat.OrderId);
    }
}
