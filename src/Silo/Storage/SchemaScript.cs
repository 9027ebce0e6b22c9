using System.Globalization;

namespace GroupBuy.Silo.Storage;

/// <summary>
/// One schema script embedded from <c>Storage/{Provider}/Schema/NNN_name.sql</c>; <see cref="Version"/> is
/// its number. Scripts are idempotent and applied in order, each recorded in a <c>schema_version</c> table.
/// </summary>
internal sealed record SchemaScript(int Version, string Name, string Sql)
{
    /// <param name="providerFolder"><c>Sqlite</c> or <c>Postgres</c>.</param>
    public static IReadOnlyList<SchemaScript> Load(string providerFolder)
    {
        var assembly = typeof(SchemaScript).Assembly;
        var prefix = $"{typeof(SchemaScript).Namespace}.{providerFolder}.Schema.";
        var scripts = new List<SchemaScript>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(prefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }
            var name = resource[prefix.Length..^".sql".Length];
            var digits = name.Length - name.TrimStart("0123456789".ToCharArray()).Length;
            if (digits == 0)
            {
                throw new InvalidOperationException($"Schema script {resource} does not start with its version number.");
            }
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            scripts.Add(new SchemaScript(int.Parse(name.AsSpan(0, digits), CultureInfo.InvariantCulture), name, reader.ReadToEnd()));
        }
        if (scripts.Count == 0)
        {
            throw new InvalidOperationException($"No schema scripts are embedded under {prefix}.");
        }
        scripts.Sort((a, b) => a.Version.CompareTo(b.Version));
        return scripts;
    }
}
