using System.Text.Json;
using System.Text.Json.Serialization;

namespace GroupBuy.Api.Json;

/// <summary>
/// Times in UTC both ways, as the contract writes them: a time sent with an offset (<c>17:00+08:00</c>) is read as the
/// same instant in UTC (<c>09:00+00:00</c>), so it is stored, compared and echoed in UTC; a time written is always UTC.
/// </summary>
public sealed class UtcTimeConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset().ToUniversalTime();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToUniversalTime());
}
