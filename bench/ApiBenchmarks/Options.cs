using System.Globalization;

namespace GroupBuy.ApiBenchmarks;

/// <summary><c>--key value</c> pairs from the command line, with typed defaults.</summary>
public sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);

    public Options(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"expected --key value pairs, got '{args[i]}'");
            }
            _values[args[i][2..]] = args[++i];
        }
    }

    public string Text(string key, string fallback) => _values.GetValueOrDefault(key, fallback);

    public string Required(string key) =>
        _values.TryGetValue(key, out var value) ? value : throw new ArgumentException($"--{key} is required");

    public int Number(string key, int fallback) =>
        _values.TryGetValue(key, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    /// <summary>
    /// <c>--server-config "Key:Path=value;Other=value"</c> as the server's <c>--Key:Path value</c> arguments: for
    /// diagnostic runs (e.g. <c>Runtime:JournalSnapshotInterval=1000000</c>); the reported figures use none.
    /// </summary>
    public IEnumerable<string> ServerConfig()
    {
        foreach (var pair in Text("server-config", "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ArgumentException($"--server-config takes Key=value pairs separated by ';', got '{pair}'");
            }
            yield return $"--{pair[..equals]}";
            yield return pair[(equals + 1)..];
        }
    }

    /// <summary>The pairs as given, for the report's command line.</summary>
    public string Describe() => string.Join(' ', _values.Select(p => $"--{p.Key} {p.Value}"));
}
