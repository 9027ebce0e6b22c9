using System.Globalization;
using GroupBuy.CommerceBenchmarks;

// P2 and P3 of shared/spec/performance.md. Every run prints what it measured, then RESULT lines that
// run-p2.sh and run-all.sh read. See docs/benchmarks-commerce.md.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
try
{
    var options = BenchOptions.Parse(args);
    Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC}, " +
        $"dynamic adaptation {(GC.GetConfigurationVariables().GetValueOrDefault("GCDynamicAdaptationMode") is 0L ? "off" : "on")}");
    var ok = options.Command switch
    {
        "p2" => await P2.RunAsync(options),
        "p2-cost" => await P2Cost.RunAsync(options),
        _ => await P3.RunAsync(options),
    };
    return ok ? 0 : 2;
}
catch (ArgumentException exception)
{
    await Console.Error.WriteLineAsync(exception.Message);
    return 64;
}
