namespace GroupBuy.Load.Scenarios;

/// <summary>Starts each virtual user's journey at its arrival time on the ramp, and waits for all of them.</summary>
public static class Arrivals
{
    public static async Task RunAsync(
        int count, Ramp ramp, TimeProvider clock, Func<int, CancellationToken, Task> journey, ScenarioContext context, CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        var journeys = new List<Task>(count);
        for (var i = 0; i < count && !cancellationToken.IsCancellationRequested; i++)
        {
            if (!await Pacing.WaitUntilAsync(clock, started, ramp.ArrivalOf(i, count), cancellationToken))
            {
                break;
            }
            journeys.Add(GuardAsync(i, journey, context, cancellationToken));
        }
        await Task.WhenAll(journeys);
    }

    /// <summary>A journey cut short by the end of the run is simply over; anything else unexpected is counted, not fatal.</summary>
    private static async Task GuardAsync(int index, Func<int, CancellationToken, Task> journey, ScenarioContext context, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            await journey(index, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The run's time is up.
        }
        catch (Exception exception) when (exception is InvalidOperationException or HttpRequestException or System.Net.WebSockets.WebSocketException
                                              or TimeoutException or Client.HubErrorException or OperationCanceledException)
        {
            context.Recorder.Error("journey", exception.GetType().Name);
        }
    }
}
