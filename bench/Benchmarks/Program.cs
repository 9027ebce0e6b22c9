using System.Reflection;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace GroupBuy.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/Benchmarks -- --filter '*'</c> runs the BenchmarkDotNet benchmarks (P1;
/// add <c>--job short</c> for a quick pass); <c>… -- activations --count 1000000</c> runs the one-shot activation
/// measurement (P6). See docs/benchmarks.md.
/// </summary>
public static class Program
{
    private static readonly string[] ToolchainSwitches = ["--inProcess", "-i", "--runtimes", "-r", "--cli", "--coreRun", "--clrVersion"];

    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "activations")
        {
            return await ActivationsCommand.RunAsync(args[1..]);
        }

        return RunBenchmarks(typeof(Program).Assembly, args);
    }

    /// <summary>Runs the BenchmarkDotNet benchmarks of <paramref name="assembly"/>; 1 when any failed.</summary>
    public static int RunBenchmarks(Assembly assembly, string[] args)
    {
        // In process unless told otherwise: no generated project to build (this repository's warnings-as-errors rules
        // would apply to it), and the benchmarks run under this program's GC settings (workstation, concurrent).
        string[] switches = args.Any(a => ToolchainSwitches.Contains(a, StringComparer.OrdinalIgnoreCase)) ? args : [.. args, "--inProcess"];
        var summaries = BenchmarkSwitcher.FromAssembly(assembly).Run(switches, DefaultConfig.Instance);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
