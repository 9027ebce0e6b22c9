using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace GroupBuy.Runtime.Storage;

/// <summary>
/// Writes values of a polymorphic type (a base with <c>[JsonDerivedType]</c>s, as every journal's events are)
/// byte for byte as <see cref="JsonSerializer"/> does: the type discriminator first, then the derived type's
/// properties. It goes through the derived type's own contract and writes the discriminator itself, because the
/// serializer's polymorphic dispatch allocates a write stack on every call: for a purchase's event that took half
/// again the time and twice the garbage of turning it into JSON.
/// </summary>
/// <remarks>
/// A value whose type is not a listed derived type with a discriminator, or whose contract is not a plain JSON
/// object, takes the serializer's own path, so the bytes never differ.
/// </remarks>
internal sealed class PolymorphicJson<T>
{
    /// <summary>A thread keeps its buffer for the next event unless one event made it larger than this.</summary>
    internal const int KeptBufferBytes = 16 * 1024;

    // One buffer and writer per thread, reused: journals serialize their batches on pool threads as well as on turns.
    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    private readonly JsonTypeInfo<T> _info;
    private readonly JsonWriterOptions _writerOptions;
    /// <summary>Per derived type: its contract and the bytes that open its object, <c>{"$event":"placed"</c>.</summary>
    private readonly Dictionary<Type, (JsonTypeInfo Info, byte[] Head)> _direct = [];

    public PolymorphicJson(JsonSerializerOptions options)
    {
        _info = (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
        _writerOptions = new JsonWriterOptions { Encoder = options.Encoder, SkipValidation = true };
        if (_info.PolymorphismOptions is not { } polymorphism || options.WriteIndented || options.ReferenceHandler is not null)
        {
            return;
        }
        foreach (var derived in polymorphism.DerivedTypes)
        {
            var info = options.GetTypeInfo(derived.DerivedType);
            if (derived.TypeDiscriminator is { } discriminator && info.Kind == JsonTypeInfoKind.Object && info.PolymorphismOptions is null)
            {
                _direct[derived.DerivedType] = (info, Head(polymorphism.TypeDiscriminatorPropertyName, discriminator));
            }
        }
    }

    /// <summary>The bytes of buffer this thread keeps between events (tests check that a large event's is let go).</summary>
    internal static int ThreadBufferBytes => t_buffer?.Capacity ?? 0;

    /// <summary>Whether values of <paramref name="type"/> are written through their own contract (tests check the split).</summary>
    internal bool WritesDirectly(Type type) => _direct.ContainsKey(type);

    public byte[] Serialize(T value)
    {
        if (value is null || !_direct.TryGetValue(value.GetType(), out var direct))
        {
            return JsonSerializer.SerializeToUtf8Bytes(value, _info);
        }
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(512);
        buffer.ResetWrittenCount();
        var writer = t_writer;
        if (writer is null || writer.Options.Encoder != _writerOptions.Encoder)
        {
            t_writer = writer = new Utf8JsonWriter(buffer, _writerOptions);
        }
        writer.Reset(buffer);
        JsonSerializer.Serialize(writer, value, direct.Info);
        var body = buffer.WrittenSpan; // {...}: its opening brace is already in the head
        var head = direct.Head;
        var bytes = new byte[body.Length == 2 ? head.Length + 1 : head.Length + body.Length];
        head.CopyTo(bytes, 0);
        if (body.Length == 2)
        {
            bytes[^1] = (byte)'}';
        }
        else
        {
            bytes[head.Length] = (byte)',';
            body[1..].CopyTo(bytes.AsSpan(head.Length + 1));
        }
        if (buffer.Capacity > KeptBufferBytes)
        {
            t_buffer = null;
            t_writer = null;
        }
        return bytes;
    }

    private byte[] Head(string propertyName, object discriminator)
    {
        var head = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(head, _writerOptions))
        {
            writer.WriteStartObject();
            writer.WritePropertyName(propertyName);
            if (discriminator is string name)
            {
                writer.WriteStringValue(name);
            }
            else
            {
                writer.WriteNumberValue((int)discriminator);
            }
        }
        return head.WrittenSpan.ToArray();
    }
}
