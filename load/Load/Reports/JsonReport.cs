using System.Text.Json;
using System.Text.Json.Serialization;

namespace GroupBuy.Load.Reports;

/// <summary>The run's result as a JSON file (camelCase, indented), for scripts and for comparing runs.</summary>
public static class JsonReport
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static async Task WriteAsync(RunResult result, string path, CancellationToken cancellationToken)
    {
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, result, Options, cancellationToken);
    }
}
