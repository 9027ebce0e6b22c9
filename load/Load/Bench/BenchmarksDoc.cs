using System.Text;

namespace GroupBuy.Load.Bench;

/// <summary>
/// Writes a bench run into docs/benchmarks.md: the P4, P5 and P7 rows of the "where each bar stands" table, and the
/// section between the load tool's markers (added at the end the first time). Every other line is left as it was.
/// </summary>
public static class BenchmarksDoc
{
    public const string Begin = "<!-- load bench: begin (written by `load bench`; edit the tool, not this section) -->";
    public const string End = "<!-- load bench: end -->";
    private const string Below = "[below](#p4-p5-and-p7-with-the-load-tool)";

    public static async Task UpdateAsync(string path, IReadOnlyList<BenchSection> sections, IReadOnlyList<string> header, CancellationToken cancellationToken)
    {
        var lines = (await File.ReadAllLinesAsync(path, cancellationToken)).ToList();
        foreach (var section in sections)
        {
            var row = lines.FindIndex(l => l.StartsWith($"| {section.Id} |", StringComparison.Ordinal));
            if (row >= 0)
            {
                var cells = lines[row].Split('|');
                // | id | what | latest figure | bar | met | details |
                var details = section.Id == "P7" ? Below : Below + "; earlier runs and analysis in [benchmarks-api.md](benchmarks-api.md)";
                lines[row] = $"| {section.Id} |{cells[2]}| {section.Figure} | {section.Bar} | {section.Met} | {details} |";
            }
        }

        var body = new StringBuilder();
        body.AppendLine(Begin).AppendLine("## P4, P5 and P7 with the load tool").AppendLine();
        foreach (var line in header)
        {
            body.AppendLine(line);
        }
        foreach (var section in sections)
        {
            body.AppendLine().AppendLine("### " + section.Id).AppendLine();
            foreach (var line in section.Markdown)
            {
                body.AppendLine(line);
            }
        }
        body.Append(End);

        var begin = lines.IndexOf(Begin);
        var end = lines.IndexOf(End);
        if (begin >= 0 && end > begin)
        {
            lines.RemoveRange(begin, end - begin + 1);
            lines.Insert(begin, body.ToString());
        }
        else
        {
            lines.Add("");
            lines.Add(body.ToString());
        }
        await File.WriteAllTextAsync(path, string.Join('\n', lines) + "\n", cancellationToken);
    }
}
