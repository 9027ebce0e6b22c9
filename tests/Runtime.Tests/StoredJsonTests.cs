using System.Text;
using System.Text.Json;
using GroupBuy.Runtime.Storage;

namespace GroupBuy.Runtime.Tests;

/// <summary>How grain states, events and index rows are written as JSON.</summary>
public sealed class StoredJsonTests
{
    public sealed record Order(string Id, long Amount, string? IdempotencyKey, DateTimeOffset? PaidAt)
    {
        public IReadOnlyList<string>? Tags { get; init; }
    }

    [Fact]
    public void Nulls_are_left_out_and_read_back_as_null_as_are_payloads_that_spell_them_out()
    {
        var order = new Order("fs.sale.1", 990, null, null);

        var written = JsonSerializer.SerializeToUtf8Bytes(order, StateBinding.Json);
        var spelledOut = JsonSerializer.SerializeToUtf8Bytes(order, JsonSerializerOptions.Web);

        Assert.Equal("""{"id":"fs.sale.1","amount":990}""", Encoding.UTF8.GetString(written));
        Assert.Equal(order, JsonSerializer.Deserialize<Order>(written, StateBinding.Json));
        Assert.Equal(order, JsonSerializer.Deserialize<Order>(spelledOut, StateBinding.Json));
    }

    [Fact]
    public void Values_that_are_set_are_all_written()
    {
        var paid = new Order("fs.sale.2", 0, "key-1", new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero)) { Tags = [] };

        var read = JsonSerializer.Deserialize<Order>(JsonSerializer.SerializeToUtf8Bytes(paid, StateBinding.Json), StateBinding.Json)!;

        Assert.Equal(paid with { Tags = null }, read with { Tags = null });
        Assert.Equal(0, read.Amount);
        Assert.NotNull(read.Tags);   // an empty list is not null, and stays a list
    }
}
