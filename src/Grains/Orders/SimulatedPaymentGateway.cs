using System.Collections.Concurrent;
using GroupBuy.Grains.Interfaces.Orders;

namespace GroupBuy.Grains.Orders;

/// <summary>
/// The payment gateway the product ships with: every charge succeeds, once per payment id. It keeps its
/// records in memory, as a stand-in for an external gateway; a real one replaces it in dependency injection.
/// </summary>
public sealed class SimulatedPaymentGateway(TimeProvider timeProvider) : IPaymentGateway
{
    private readonly ConcurrentDictionary<string, PaymentReceipt> _charges = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PaymentReceipt> _refunds = new(StringComparer.Ordinal);

    /// <summary>Payments charged and not refunded, by id (what tests reconcile against).</summary>
    public IReadOnlyDictionary<string, PaymentReceipt> Charges => _charges;

    public IReadOnlyDictionary<string, PaymentReceipt> Refunds => _refunds;

    public Task<PaymentReceipt> ChargeAsync(string paymentId, string shopperId, long amount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        return Task.FromResult(_charges.GetOrAdd(paymentId, static (id, state) => new PaymentReceipt(id, state.amount, state.now), (amount, now: timeProvider.GetUtcNow())));
    }

    public Task RefundAsync(string paymentId, CancellationToken cancellationToken)
    {
        if (_charges.TryGetValue(paymentId, out var receipt))
        {
            _refunds.TryAdd(paymentId, receipt);
        }
        return Task.CompletedTask;
    }

    public Task<PaymentReceipt?> FindChargeAsync(string paymentId, CancellationToken cancellationToken) =>
        Task.FromResult(_charges.GetValueOrDefault(paymentId));
}
