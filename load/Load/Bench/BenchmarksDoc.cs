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
                var details = section.Id == "P7" ? Below : Below + "; earlier runs (earlier tool) and analysis in [benchmarks-api.md](benchmarks-api.md)";
                lines[row] = $"| {section.Id} |{cells[2]}| {section.Figure} | {section.Bar} | {section.Met} | {details} |";
            }
        }

        var begin = lines.IndexOf(Begin);
        var end = lines.IndexOf(End);
        var kept = begin >= 0 && end > begin ? Subsections(lines[(begin + 1)..end]) : [];
        var body = new StringBuilder();
        body.AppendLine(Begin).AppendLine("## P4, P5 and P7 with the load tool").AppendLine();
        foreach (var line in header)
        {
            body.AppendLine(line);
        }
        // A benchmark left out of this run (--only) keeps its section from the run before.
        foreach (var id in new[] { "P4", "P5", "P7" })
        {
            var markdown = sections.FirstOrDefault(s => s.Id == id)?.Markdown ?? kept.GetValueOrDefault(id);
            if (markdown is null)
            {
                continue;
            }
            body.AppendLine().AppendLine("### " + id).AppendLine();
            foreach (var line in markdown)
            {
                body.AppendLine(line);
            }
        }
        body.Append(End);

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

    /// <summary>The <c>### Px</c> subsections of the section written before, by id, without their blank edges.</summary>
    private static Dictionary<string, IReadOnlyList<string>> Subsections(List<string> lines)
    {
        var found = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            if (!lines[i].StartsWith("### ", StringComparison.Ordinal))
            {
                continue;
            }
            var next = lines.FindIndex(i + 1, l => l.StartsWith("### ", StringComparison.Ordinal));
            var body = lines[(i + 1)..(next < 0 ? lines.Count : next)];
            found[lines[i][4..].Trim()] = [.. body.SkipWhile(string.IsNullOrWhiteSpace).Reverse().SkipWhile(string.IsNullOrWhiteSpace).Reverse()];
        }
        return found;
    }
}
