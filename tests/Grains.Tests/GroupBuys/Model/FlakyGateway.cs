using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Grains.Orders;

namespace GroupBuy.Grains.Tests.GroupBuys.Model;

/// <summary>How the next charge goes wrong, if it does.</summary>
internal enum ChargeFault
{
    None,

    /// <summary>The gateway is unreachable: nothing is charged.</summary>
    BeforeCharge,

    /// <summary>The charge is taken but its answer is lost: the team sees a failure, the gateway a charge.</summary>
    AfterCharge,
}

/// <summary>The simulated gateway with one-shot charge faults; it outlives silo restarts, as the gateway it wraps does.</summary>
internal sealed class FlakyGateway : IPaymentGateway
{
    private SimulatedPaymentGateway? _inner;

    public ChargeFault NextCharge { get; set; }

    /// <summary>How many of the next refunds fail (the gateway is unreachable): each stays owed and is retried.</summary>
    public int FailRefunds { get; set; }

    public SimulatedPaymentGateway Inner => _inner ?? throw new InvalidOperationException("No silo has started yet.");

    /// <summary>Called by every silo start: the simulated gateway is the same instance each time.</summary>
    public IPaymentGateway Attach(SimulatedPaymentGateway inner)
    {
        _inner = inner;
        return this;
    }

    public async Task<PaymentReceipt> ChargeAsync(string paymentId, string shopperId, long amount, CancellationToken cancellationToken)
    {
        var fault = NextCharge;
        NextCharge = ChargeFault.None;
        if (fault == ChargeFault.BeforeCharge)
        {
            throw new HttpRequestException("The gateway could not be reached.");
        }
        var receipt = await Inner.ChargeAsync(paymentId, shopperId, amount, cancellationToken);
        return fault == ChargeFault.AfterCharge ? throw new HttpRequestException("The gateway's answer was lost.") : receipt;
    }

    public Task RefundAsync(string paymentId, CancellationToken cancellationToken)
    {
        if (FailRefunds > 0)
        {
            FailRefunds--;
            return Task.FromException(new HttpRequestException("The gateway could not be reached."));
        }
        return Inner.RefundAsync(paymentId, cancellationToken);
    }

    public Task<PaymentReceipt?> SettleChargeAsync(string paymentId, CancellationToken cancellationToken) => Inner.SettleChargeAsync(paymentId, cancellationToken);
}
