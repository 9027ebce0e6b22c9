using System.Text.Json;
using System.Text.Json.Serialization;
using GroupBuy.Runtime.Storage;

namespace GroupBuy.Runtime.Tests;

public sealed class PolymorphicJsonTests
{
    [JsonPolymorphic(TypeDiscriminatorPropertyName = "$kind")]
    [JsonDerivedType(typeof(Flat), "flat")]
    [JsonDerivedType(typeof(Empty), "empty")]
    [JsonDerivedType(typeof(Nested), "nested")]
    [JsonDerivedType(typeof(Numbered), 7)]
    [JsonDerivedType(typeof(Unnamed))]
    public abstract record Happening;

    public sealed record Flat(string Id, long Amount, DateTimeOffset At, string? Note) : Happening;

    public sealed record Empty : Happening;

    public sealed record Nested(string Id, Flat Inner, IReadOnlyList<string> Tags) : Happening;

    public sealed record Numbered(int Count) : Happening;

    public sealed record Unnamed(string Id) : Happening;

    public sealed record NotListed(string Id) : Happening;

    private static readonly DateTimeOffset At = new(2026, 11, 22, 10, 0, 0, TimeSpan.FromHours(8));

    public static TheoryData<Happening> Happenings() =>
    [
        new Flat("fs.sale.1", 9900, At, null),
        new Flat("quote\"s, <tags> & ünïcödé 拼团", -1, At, "note"),
        new Empty(),
        new Nested("n", new Flat("inner", 1, At, "x"), ["a", "b"]),
        new Numbered(3),
        new Unnamed("u"),
    ];

    [Theory]
    [MemberData(nameof(Happenings))]
    public void Writes_every_value_byte_for_byte_as_the_serializer_does(Happening happening)
    {
        var json = new PolymorphicJson<Happening>(StateBinding.Json);

        var written = json.Serialize(happening);

        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(happening, StateBinding.Json), written);
    }

    [Fact]
    public void An_event_larger_than_the_kept_buffer_and_the_ones_after_it_are_written_whole()
    {
        var json = new PolymorphicJson<Happening>(StateBinding.Json);
        Happening large = new Nested("large", new Flat("inner", 1, At, null), [.. Enumerable.Range(0, 5_000).Select(i => $"tag-{i}")]);
        Happening small = new Flat("small", 2, At, null);

        var written = new[] { json.Serialize(small), json.Serialize(large), json.Serialize(small), json.Serialize(large) };

        Assert.Equal(new[] { small, large, small, large }.Select(h => JsonSerializer.SerializeToUtf8Bytes(h, StateBinding.Json)), written);
        Assert.InRange(PolymorphicJson<Happening>.ThreadBufferBytes, 0, PolymorphicJson<Happening>.KeptBufferBytes);
    }

    [Fact]
    public void A_type_the_base_does_not_list_is_refused_as_the_serializer_refuses_it()
    {
        var json = new PolymorphicJson<Happening>(StateBinding.Json);

        Assert.Throws<NotSupportedException>(() => json.Serialize(new NotListed("x")));
    }

    [Fact]
    public void Derived_types_with_a_discriminator_are_written_through_their_own_contract_and_the_rest_by_the_serializer()
    {
        var json = new PolymorphicJson<Happening>(StateBinding.Json);

        Assert.Equal(
            [true, true, true, true, false, false],
            new[] { typeof(Flat), typeof(Empty), typeof(Nested), typeof(Numbered), typeof(Unnamed), typeof(NotListed) }.Select(json.WritesDirectly));
    }

    [Fact]
    public void A_type_that_is_not_polymorphic_is_left_to_the_serializer()
    {
        var json = new PolymorphicJson<Flat>(StateBinding.Json);
        var flat = new Flat("f", 1, At, null);

        Assert.False(json.WritesDirectly(typeof(Flat)));
        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(flat, StateBinding.Json), json.Serialize(flat));
    }

    [Fact]
    public async Task Writers_on_many_threads_at_once_each_get_their_own_bytes()
    {
        var json = new PolymorphicJson<Happening>(StateBinding.Json);

        var written = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(() =>
            Enumerable.Range(0, 200).Select(j => json.Serialize(new Flat($"{i}.{j}", j, At, null))).ToArray())));

        for (var i = 0; i < written.Length; i++)
        {
            Assert.Equal(
                Enumerable.Range(0, 200).Select(j => $"{i}.{j}"),
                written[i].Select(bytes => ((Flat)JsonSerializer.Deserialize<Happening>(bytes, StateBinding.Json)!).Id));
        }
    }
}
