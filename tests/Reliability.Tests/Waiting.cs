namespace GroupBuy.Reliability.Tests;

/// <summary>Waiting on a condition the API reports: polled at a steady cadence until it holds or the timeout ends the test.</summary>
public static class Waiting
{
    private static readonly TimeSpan Cadence = TimeSpan.FromMilliseconds(100);

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> describe, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var ticks = new PeriodicTimer(Cadence);
        try
        {
            while (!await condition())
            {
                await ticks.WaitForNextTickAsync(deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"not within {timeout}: {describe()}");
        }
    }
}
