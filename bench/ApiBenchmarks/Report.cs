using System.Globalization;

namespace GroupBuy.ApiBenchmarks;

/// <summary>The lines every report starts and ends with: when, where, how busy the machine was, and the command.</summary>
public static class Report
{
    public static void Header(string title, Options options)
    {
        Console.WriteLine($"# {title}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"date: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC; {Environment.ProcessorCount} cores, {Cpu()}; .NET {Environment.Version}"));
        Console.WriteLine($"load average at start: {LoadAverage()}");
        Console.WriteLine($"options: {options.Describe()}");
    }

    public static void Footer() => Console.WriteLine($"load average at end: {LoadAverage()}");

    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static string Cpu()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        }
        catch (IOException)
        {
            return "?";
        }
    }
}
