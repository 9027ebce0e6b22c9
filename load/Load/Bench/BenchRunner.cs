using System.Globalization;
using System.Runtime.InteropServices;

namespace GroupBuy.Load.Bench;

/// <summary>
/// <c>load bench</c>: runs P4, P5 and P7 of the performance spec, each with its baseline in the same run, prints
/// every section and writes them into docs/benchmarks.md, each with the command that ran it (a run of one benchmark
/// leaves the others' sections as they were). A benchmark that crashes is reported and the others go on.
/// </summary>
public static class BenchRunner
{
    public static async Task<int> RunAsync(BenchOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.Work);
        var header = new List<string>
        {
            $"Latest run: {TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC; {Environment.ProcessorCount} cores ({ProcFs.ProcessorName()}), {RuntimeInformation.OSDescription}, .NET {Environment.Version}; load average at the start {ProcFs.LoadAverage()}.",
            "",
            "Each server is the real API (`src/Api`, Release, durable SQLite) started by the tool as its own process on 127.0.0.1, seeded through the API with dev tokens; "
                + "the load comes from this tool's own HTTP client (a closed loop of N workers on N pooled connections) and its own SignalR client. "
                + "The machine is shared: read the ratios, which are measured in the same run, not the absolute figures.",
        };
        var sections = new List<BenchSection>();
        var runs = new (string Id, Func<BenchOptions, TextWriter, CancellationToken, Task<BenchSection>> Run)[] { ("p4", P4.RunAsync), ("p5", P5.RunAsync), ("p7", P7.RunAsync) };
        var failed = false;
        foreach (var (id, run) in runs.Where(r => options.Only.Contains(r.Id)))
        {
            try
            {
                var started = string.Create(CultureInfo.InvariantCulture, $"Run of {TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC by `{options.Command}`, load average {ProcFs.LoadAverage()} at its start.");
                var section = await run(options, output, cancellationToken);
                section = section with { Markdown = [started, "", .. section.Markdown] };
                sections.Add(section);
                await output.WriteLineAsync();
                await output.WriteLineAsync($"## {section.Id}: {section.Figure} (bar {section.Bar}; met: {section.Met})");
                foreach (var line in section.Markdown)
                {
                    await output.WriteLineAsync(line);
                }
            }
            catch (Exception exception) when (exception is InvalidOperationException or TimeoutException or HttpRequestException or IOException)
            {
                failed = true;
                await output.WriteLineAsync($"{id} failed: {exception}");
            }
        }
        header.Add("");
        header.Add(string.Create(CultureInfo.InvariantCulture, $"Load average at the end: {ProcFs.LoadAverage()}."));
        if (options.Doc is not null && sections.Count > 0)
        {
            await BenchmarksDoc.UpdateAsync(options.Doc, sections, header, cancellationToken);
            await output.WriteLineAsync($"written into {options.Doc}");
        }
        return failed ? 1 : 0;
    }
}
