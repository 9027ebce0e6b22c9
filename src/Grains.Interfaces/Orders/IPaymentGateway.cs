namespace GroupBuy.Grains.Interfaces.Orders;

public sealed record PaymentReceipt(string PaymentId, long Amount, DateTimeOffset ChargedAt);

/// <summary>
/// Takes payments. Keyed by payment id (the order id): charging the same id twice charges once and returns
/// the same receipt; a refund of an id never charged does nothing. The product ships a simulated gateway;
/// a real one replaces it through dependency injection.
/// </summary>
public interface IPaymentGateway
{
    Task<PaymentReceipt> ChargeAsync(string paymentId, string shopperId, long amount, CancellationToken cancellationToken);

    Task RefundAsync(string paymentId, CancellationToken cancellationToken);

    /// <summary>The charge for the id, if one was made (to settle a payment interrupted by a crash).</summary>
    Task<PaymentReceipt?> FindChargeAsync(string paymentId, CancellationToken cancellationToken);
}
