using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Grains.Orders;

namespace GroupBuy.Grains.Tests.Orders;

/// <summary>The shipped gateway's contract: a payment id is charged once, or settled as never charged and closed for good.</summary>
public sealed class SimulatedPaymentGatewayTests
{
    private readonly SimulatedPaymentGateway _gateway = new(TimeProvider.System);

    private static CancellationToken Token => CommerceSilo.Token;

    [Fact]
    public async Task Settling_an_id_never_charged_closes_it_and_a_later_charge_is_refused()
    {
        Assert.Null(await _gateway.SettleChargeAsync("p1", Token));

        var refused = await Assert.ThrowsAsync<PaymentIdClosedException>(() => _gateway.ChargeAsync("p1", "u1", 100, Token));

        Assert.Equal("p1", refused.PaymentId);
        Assert.Null(await _gateway.SettleChargeAsync("p1", Token));
        Assert.Empty(_gateway.Charges);
        Assert.Equal(["p1"], _gateway.Closed.Keys);
    }

    [Fact]
    public async Task Settling_a_charged_id_answers_its_receipt_and_leaves_it_charged_once()
    {
        var receipt = await _gateway.ChargeAsync("p1", "u1", 100, Token);

        Assert.Equal(receipt, await _gateway.SettleChargeAsync("p1", Token));
        Assert.Equal(receipt, await _gateway.ChargeAsync("p1", "u1", 100, Token));
        Assert.Equal(receipt, Assert.Single(_gateway.Charges).Value);
        Assert.Empty(_gateway.Closed);
    }

    [Fact]
    public async Task A_charge_racing_the_settlement_of_its_id_is_either_taken_and_settled_as_taken_or_refused()
    {
        var ids = Enumerable.Range(1, 1_000).Select(n => $"p{n}").ToList();
        var charges = Task.Run(() => AttemptEachAsync(ids, id => _gateway.ChargeAsync(id, "u1", 100, Token)), Token);
        var settlements = Task.Run(() => AttemptEachAsync(ids, id => _gateway.SettleChargeAsync(id, Token)), Token);

        var charged = await charges;
        var settled = await settlements;

        for (var i = 0; i < ids.Count; i++)
        {
            // Exactly one side won: the charge was taken and the settlement found it, or the id was closed and the charge refused.
            var taken = _gateway.Charges.ContainsKey(ids[i]);
            Assert.Equal(taken, charged[i] is PaymentReceipt);
            Assert.Equal(taken, settled[i] is PaymentReceipt);
            Assert.Equal(!taken, charged[i] is PaymentIdClosedException && _gateway.Closed.ContainsKey(ids[i]));
        }
    }

    /// <summary>What each call answered, or the refusal it threw, in order.</summary>
    private static async Task<List<object?>> AttemptEachAsync<T>(List<string> ids, Func<string, Task<T>> call)
    {
        List<object?> answers = [];
        foreach (var id in ids)
        {
            try
            {
                answers.Add(await call(id));
            }
            catch (PaymentIdClosedException exception)
            {
                answers.Add(exception);
            }
        }
        return answers;
    }
}
