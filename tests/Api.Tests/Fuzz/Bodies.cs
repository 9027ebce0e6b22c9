using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GroupBuy.Api.Tests.Fuzz;

/// <summary>Well-formed request bodies built from a route's body type, the starting point every mutation bends.</summary>
public static class Bodies
{
    /// <summary>A body that the route would plausibly accept: each field of the type with a sensible value for its name.</summary>
    public static JsonObject Valid(Type type, FuzzWorld world, Random random, int depth = 0)
    {
        var body = new JsonObject();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite || IsRecordParameter(type, p)))
        {
            body[JsonNamingPolicy.CamelCase.ConvertName(property.Name)] = ValueFor(property.Name, property.PropertyType, world, random, depth);
        }
        return body;
    }

    /// <summary>The string fields of a body, found by walking it (nested objects included), as (parent, name) pairs.</summary>
    public static List<(JsonObject Parent, string Name)> Fields(JsonObject body)
    {
        var fields = new List<(JsonObject, string)>();
        foreach (var (name, value) in body)
        {
            fields.Add((body, name));
            if (value is JsonObject nested)
            {
                fields.AddRange(Fields(nested));
            }
        }
        return fields;
    }

    private static bool IsRecordParameter(Type type, PropertyInfo property) =>
        type.GetConstructors().Any(c => c.GetParameters().Any(p => string.Equals(p.Name, property.Name, StringComparison.OrdinalIgnoreCase)));

    private static JsonNode? ValueFor(string name, Type type, FuzzWorld world, Random random, int depth)
    {
        var now = world.Now;
        type = Nullable.GetUnderlyingType(type) ?? type;
        var lower = name.ToLowerInvariant();
        if (type == typeof(string))
        {
            return lower switch
            {
                "sku" => "fz-sku",
                "role" => random.Next(2) == 0 ? "shopper" : "merchant",
                "kind" => new[] { "team", "flash_sale", "group_buy" }[random.Next(3)],
                "userid" => $"fz-user-{random.Next(1000)}",
                "flashsaleid" => Pick(world, "flash-sales", random),
                "groupid" => Pick(world, "groups", random),
                "id" => Pick(world, world.Ids.Keys.ElementAt(random.Next(world.Ids.Count)), random),
                _ => $"fuzz {lower} {random.Next(1000)}",
            };
        }
        if (type == typeof(long) || type == typeof(int))
        {
            return lower switch
            {
                "teamsize" => 2,
                "teamwindowseconds" => 3600,
                "price" or "soloprice" or "leaderprice" => random.Next(1, 100),
                "stock" => 1000,
                _ => random.Next(1, 4),
            };
        }
        if (type == typeof(decimal) || type == typeof(double))
        {
            return 0.1m;
        }
        if (type == typeof(bool))
        {
            return random.Next(2) == 0;
        }
        if (type == typeof(DateTimeOffset) || type == typeof(DateTime))
        {
            return lower.StartsWith("end", StringComparison.Ordinal) ? now.AddHours(1) : lower.StartsWith("start", StringComparison.Ordinal) ? now.AddMinutes(-1) : now.AddDays(1);
        }
        if (type.IsEnum)
        {
            return JsonNamingPolicy.SnakeCaseLower.ConvertName(Enum.GetNames(type)[random.Next(Enum.GetNames(type).Length)]);
        }
        return depth < 3 && type.IsClass ? Valid(type, world, random, depth + 1) : null;
    }

    private static string Pick(FuzzWorld world, string kind, Random random) =>
        world.Ids.TryGetValue(kind, out var ids) && ids.Count > 0 ? ids[random.Next(ids.Count)] : Hex(random);

    /// <summary>A well-formed id that (almost surely) does not exist, drawn from the seeded generator.</summary>
    public static string Hex(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }
}
