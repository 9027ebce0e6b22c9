using GroupBuy.Grains.Interfaces.Orders;

namespace GroupBuy.Api.Tests;

/// <summary>
/// A payment gateway that holds each charge until the test releases it, so a test can act while a payment is
/// under way; the first <see cref="Failures"/> charges then fail, as an unreachable gateway's would.
/// </summary>
public sealed class HeldGateway : IPaymentGateway
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, PaymentReceipt> _taken = new(StringComparer.Ordinal);
    private readonly HashSet<string> _closed = new(StringComparer.Ordinal);
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
        if (Interlocked.Decrement(ref _failures) >= 0)
        {
            throw new HttpRequestException("gateway unreachable");
        }
        lock (_lock)
        {
            if (_closed.Contains(paymentId))
            {
                throw new PaymentIdClosedException(paymentId);
            }
            if (!_taken.TryGetValue(paymentId, out var receipt))
            {
                _taken[paymentId] = receipt = new PaymentReceipt(paymentId, amount, DateTimeOffset.UnixEpoch);
            }
            return receipt;
        }
    }

    public Task RefundAsync(string paymentId, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<PaymentReceipt?> SettleChargeAsync(string paymentId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_taken.TryGetValue(paymentId, out var receipt))
            {
                return Task.FromResult<PaymentReceipt?>(receipt);
            }
            _closed.Add(paymentId);
            return Task.FromResult<PaymentReceipt?>(null);
        }
    }
}
