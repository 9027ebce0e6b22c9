namespace GroupBuy.Api.Tests;

/// <summary>How a seeded walk's test fails: naming the seed to run again and printing every step that led there.</summary>
internal static class SeededWalk
{
    public static async Task RunAsync(int seed, IReadOnlyList<string> log, Func<Task> walk)
    {
        try
        {
            await walk();
        }
        catch (Exception exception)
        {
            throw new Xunit.Sdk.XunitException(
                $"Seed {seed} failed at the last step below: {exception.Message}{Environment.NewLine}{string.Join(Environment.NewLine, log)}", exception);
        }
    }
}
