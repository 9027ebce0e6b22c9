using System.Collections.Concurrent;
using GroupBuy.Grains.Interfaces.FlashSales;
using GroupBuy.Grains.Interfaces.Orders;
using GroupBuy.Runtime;
using GroupBuy.Runtime.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBuy.Grains.Tests.FlashSales;

/// <summary>Watches a sale's live topic: keeps every snapshot in order and lets a test await one that matches.</summary>
internal sealed class LiveWatcher : IDisposable
{
    private readonly Lock _lock = new();
    private readonly List<FlashSaleSnapshot> _seen = [];
    private readonly List<(Func<FlashSaleSnapshot, bool> Match, TaskCompletionSource<FlashSaleSnapshot> Done)> _waiting = [];
    private readonly IDisposable _subscription;

    public LiveWatcher(TestCluster silo, string saleId) =>
        _subscription = silo.Services.GetRequiredService<ILiveTopics>().Subscribe($"flash-sale:{saleId}", OnEvent);

    public IReadOnlyList<FlashSaleSnapshot> Seen
    {
        get
        {
            lock (_lock)
            {
                return [.. _seen];
            }
        }
    }

    /// <summary>The first snapshot seen that matches, waiting for it if need be (bounded, so a missing one fails the test).</summary>
    public Task<FlashSaleSnapshot> WaitFor(Func<FlashSaleSnapshot, bool> match)
    {
        lock (_lock)
        {
            if (_seen.FirstOrDefault(match) is { } seen)
            {
                return Task.FromResult(seen);
            }
            var done = new TaskCompletionSource<FlashSaleSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Add((match, done));
            return done.Task.WaitAsync(TimeSpan.FromSeconds(20), CommerceSilo.Token);
        }
    }

    public void Dispose() => _subscription.Dispose();

    private void OnEvent(string topic, object liveEvent)
    {
        var snapshot = (FlashSaleSnapshot)liveEvent;
        lock (_lock)
        {
            _seen.Add(snapshot);
            foreach (var waiter in _waiting.Where(w => w.Match(snapshot)).ToList())
            {
                waiter.Done.TrySetResult(snapshot);
                _waiting.Remove(waiter);
            }
        }
    }
}

/// <summary>
/// A gateway that counts charge calls and can hold the charge of one payment id before or after the money is taken,
/// fail it before (declined) or after (no answer, money taken), and fail look-ups (settlements). A settlement that
/// finds no charge closes the id, as the real contract says: a charge of it, held or later, is refused.
/// </summary>
internal sealed class ControlledGateway : IPaymentGateway
{
    private readonly Lock _chargeLock = new();
    private readonly ConcurrentDictionary<string, PaymentReceipt> _charges = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _closed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _finished = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _holdBefore = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _holdAfter = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _called = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _declined = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _unanswered = new(StringComparer.Ordinal);
    private readonly Lock _lookupLock = new();
    private int _lookupFailures;
    private TaskCompletionSource _lookupsFailed = NewSource();
    private int _chargeCalls;
    private int _lookups;

    public int ChargeCalls => Volatile.Read(ref _chargeCalls);

    public int Lookups => Volatile.Read(ref _lookups);

    public IReadOnlyDictionary<string, PaymentReceipt> Charges => _charges;

    /// <summary>Ids settled as never charged: closed, no charge of them is taken.</summary>
    public ICollection<string> Closed => _closed.Keys;

    /// <summary>Holds charges of the id before the money is taken until the returned source completes.</summary>
    public TaskCompletionSource HoldBefore(string paymentId) => _holdBefore.GetOrAdd(paymentId, _ => NewSource());

    /// <summary>Holds charges of the id after the money is taken until the returned source completes.</summary>
    public TaskCompletionSource HoldAfter(string paymentId) => _holdAfter.GetOrAdd(paymentId, _ => NewSource());

    /// <summary>Charges of the id fail (a declined card, an unreachable gateway) until <see cref="Accept"/>.</summary>
    public void Decline(string paymentId) => _declined[paymentId] = true;

    /// <summary>Charges of the id take the money, then fail (a timeout after the fact) until <see cref="Accept"/>.</summary>
    public void FailAfterCharge(string paymentId) => _unanswered[paymentId] = true;

    public void Accept(string paymentId)
    {
        _declined.TryRemove(paymentId, out _);
        _unanswered.TryRemove(paymentId, out _);
    }

    /// <summary>The next <paramref name="count"/> look-ups fail; the task completes once the last of them has (bounded, so a missing one fails the test).</summary>
    public Task FailLookups(int count)
    {
        lock (_lookupLock)
        {
            (_lookupFailures, _lookupsFailed) = (count, NewSource());
            return _lookupsFailed.Task.WaitAsync(TimeSpan.FromSeconds(20), CommerceSilo.Token);
        }
    }

    /// <summary>Completes when a charge of the id comes in.</summary>
    public Task Called(string paymentId) => _called.GetOrAdd(paymentId, _ => NewSource()).Task.WaitAsync(CommerceSilo.Token);

    /// <summary>Completes when a charge of the id has been answered, with a receipt or an exception (bounded, so a missing one fails the test).</summary>
    public Task Finished(string paymentId) =>
        _finished.GetOrAdd(paymentId, _ => NewSource()).Task.WaitAsync(TimeSpan.FromSeconds(20), CommerceSilo.Token);

    public async Task<PaymentReceipt> ChargeAsync(string paymentId, string shopperId, long amount, CancellationToken cancellationToken)
    {
        try
        {
            return await TakeAsync(paymentId, amount);
        }
        finally
        {
            _finished.GetOrAdd(paymentId, _ => NewSource()).TrySetResult();
        }
    }

    private async Task<PaymentReceipt> TakeAsync(string paymentId, long amount)
    {
        Interlocked.Increment(ref _chargeCalls);
        _called.GetOrAdd(paymentId, _ => NewSource()).TrySetResult();
        if (_holdBefore.TryGetValue(paymentId, out var before))
        {
            await before.Task;
        }
        if (_declined.ContainsKey(paymentId))
        {
            throw new InjectedFaultException($"charge {paymentId} declined (injected)");
        }
        PaymentReceipt receipt;
        lock (_chargeLock)
        {
            if (_closed.ContainsKey(paymentId))
            {
                throw new PaymentIdClosedException(paymentId);
            }
            receipt = _charges.GetOrAdd(paymentId, id => new PaymentReceipt(id, amount, DateTimeOffset.UnixEpoch));
        }
        if (_holdAfter.TryGetValue(paymentId, out var after))
        {
            await after.Task;
        }
        if (_unanswered.ContainsKey(paymentId))
        {
            throw new TimeoutException($"charge {paymentId} taken, then timed out (injected)");
        }
        return receipt;
    }

    public Task RefundAsync(string paymentId, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<PaymentReceipt?> SettleChargeAsync(string paymentId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _lookups);
        lock (_lookupLock)
        {
            if (_lookupFailures > 0)
            {
                if (--_lookupFailures == 0)
                {
                    _lookupsFailed.TrySetResult();
                }
                throw new InjectedFaultException($"look-up of {paymentId} failed (injected)");
            }
        }
        lock (_chargeLock)
        {
            if (_charges.TryGetValue(paymentId, out var receipt))
            {
                return Task.FromResult<PaymentReceipt?>(receipt);
            }
            _closed[paymentId] = true;
            return Task.FromResult<PaymentReceipt?>(null);
        }
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

public sealed class InjectedFaultException(string message) : Exception(message);
