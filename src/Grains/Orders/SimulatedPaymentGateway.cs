using System.Collections.Concurrent;
using GroupBuy.Grains.Interfaces.Orders;

namespace GroupBuy.Grains.Orders;

/// <summary>
/// The payment gateway the product ships with: every charge succeeds, once per payment id, unless the id was
/// settled as not charged (closed). It keeps its records in memory, as a stand-in for an external gateway; a real
/// one replaces it in dependency injection.
/// </summary>
public sealed class SimulatedPaymentGateway(TimeProvider timeProvider) : IPaymentGateway
{
    /// <summary>Charging and closing an id decide between each other under this lock, so exactly one of them wins.</summary>
    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<string, PaymentReceipt> _charges = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PaymentReceipt> _refunds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _closed = new(StringComparer.Ordinal);

    /// <summary>Payments charged (refunded ones included: see <see cref="Refunds"/>), by id: what tests reconcile against.</summary>
    public IReadOnlyDictionary<string, PaymentReceipt> Charges => _charges;

    public IReadOnlyDictionary<string, PaymentReceipt> Refunds => _refunds;

    /// <summary>Ids settled as never charged, with when: no charge of them can be taken.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> Closed => _closed;

    public Task<PaymentReceipt> ChargeAsync(string paymentId, string shopperId, long amount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        lock (_lock)
        {
            if (_closed.ContainsKey(paymentId))
            {
                return Task.FromException<PaymentReceipt>(new PaymentIdClosedException(paymentId));
            }
            return Task.FromResult(_charges.GetOrAdd(paymentId, new PaymentReceipt(paymentId, amount, timeProvider.GetUtcNow())));
        }
    }

    public Task RefundAsync(string paymentId, CancellationToken cancellationToken)
    {
        if (_charges.TryGetValue(paymentId, out var receipt))
        {
            _refunds.TryAdd(paymentId, receipt);
        }
        return Task.CompletedTask;
    }

    public Task<PaymentReceipt?> SettleChargeAsync(string paymentId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_charges.TryGetValue(paymentId, out var receipt))
            {
                return Task.FromResult<PaymentReceipt?>(receipt);
            }
            _closed.TryAdd(paymentId, timeProvider.GetUtcNow());
            return Task.FromResult<PaymentReceipt?>(null);
        }
    }
}
