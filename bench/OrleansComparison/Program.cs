namespace GroupBuy.OrleansComparison;

/// <summary>
/// <c>dotnet run -c Release --project bench/OrleansComparison -- --filter '*'</c>: P1's benchmarks with Orleans as a
/// third side (docs/runtime.md, "Orleans' own runtime on P1").
/// </summary>
public static class Program
{
    public static int Main(string[] args) => Benchmarks.Program.RunBenchmarks(typeof(Program).Assembly, args);
}
