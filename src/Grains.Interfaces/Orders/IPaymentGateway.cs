namespace GroupBuy.Grains.Interfaces.Orders;

public sealed record PaymentReceipt(string PaymentId, long Amount, DateTimeOffset ChargedAt);

/// <summary>
/// Takes payments. Keyed by payment id: charging the same id twice charges once and returns the same receipt;
/// a refund of an id never charged does nothing. An id whose charge had an unknown outcome is settled once and
/// for all by <see cref="SettleChargeAsync"/>, which closes it if nothing was charged. The product ships a
/// simulated gateway; a real one replaces it through dependency injection (a payment intent cancelled when
/// not captured gives the same guarantee).
/// </summary>
public interface IPaymentGateway
{
    /// <summary>
    /// Charges the id once. Throws <see cref="PaymentIdClosedException"/> if <see cref="SettleChargeAsync"/> closed
    /// the id: nothing was charged under it, and nothing ever will be. Any other failure leaves the outcome unknown.
    /// </summary>
    Task<PaymentReceipt> ChargeAsync(string paymentId, string shopperId, long amount, CancellationToken cancellationToken);

    Task RefundAsync(string paymentId, CancellationToken cancellationToken);

    /// <summary>
    /// Settles a charge whose outcome is unknown (a crash, a call that failed, an activation replaced while its
    /// charge was on its way): the charge for the id if one was made; otherwise null, and in the same atomic step
    /// the id is closed, so a charge of it still on its way is refused rather than taken after the caller has
    /// acted on "not charged". Asking again answers the same.
    /// </summary>
    Task<PaymentReceipt?> SettleChargeAsync(string paymentId, CancellationToken cancellationToken);
}

/// <summary>
/// The gateway refused a charge because <see cref="IPaymentGateway.SettleChargeAsync"/> had closed its payment id:
/// certainly not charged.
/// </summary>
public sealed class PaymentIdClosedException(string paymentId)
    : Exception($"Payment {paymentId} was settled as not charged and is closed: it can no longer be charged.")
{
    public string PaymentId { get; } = paymentId;
}
