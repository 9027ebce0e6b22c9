using GroupBuy.Grains.Interfaces.Orders;

namespace GroupBuy.Api.Tests;

/// <summary>
/// A payment gateway that holds each charge until the test releases it, so a test can act while a payment is
/// under way; the first <see cref="Failures"/> charges then fail, as an unreachable gateway's would.
/// </summary>
public sealed class HeldGateway : IPaymentGateway
{
    private int _failures;
    private int _charges;

    public TaskCompletionSource Charging { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Failures
    {
        get => Volatile.Read(ref _failures);
        set => Volatile.Write(ref _failures, value);
    }

    /// <summary>Charges asked for, failed ones included.</summary>
    public int Charges => Volatile.Read(ref _charges);

    public async Task<PaymentReceipt> ChargeAsync(string paymentId, string shopperId, long amount, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _charges);
        Charging.TrySetResult();
        await Release.Task;
        return Interlocked.Decrement(ref _failures) >= 0
            ? throw new HttpRequestException("gateway unreachable")
            : new PaymentReceipt(paymentId, amount, DateTimeOffset.UtcNow);
    }

    public Task RefundAsync(string paymentId, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<PaymentReceipt?> FindChargeAsync(string paymentId, CancellationToken cancellationToken) => Task.FromResult<PaymentReceipt?>(null);
}
