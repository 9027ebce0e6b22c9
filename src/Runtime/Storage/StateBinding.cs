using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using GroupBuy.Runtime.Catalog;

namespace GroupBuy.Runtime.Storage;

/// <summary>A persistent state's life inside its activation: loaded before <c>OnActivateAsync</c>.</summary>
internal interface IActivationState
{
    Task LoadAsync(CancellationToken cancellationToken);

    /// <summary>Completes when no write of this state is under way (deactivation waits for it).</summary>
    Task WhenWritten();
}

/// <summary>Where one grain's state lives: its activation, its name, and the storage it is kept in.</summary>
internal sealed record StateBinding(Activation Activation, string StateName, string StorageName, IServiceProvider Services)
{
    /// <summary>
    /// States are JSON: readable in the database and tolerant of added fields. A null is left out, as it reads back
    /// null (no stored type gives a nullable member another default): an order's unused idempotency key and referral
    /// were an eighth of its event. Payloads written with the nulls read the same. Locked with its resolver at once,
    /// so <see cref="JsonSerializerOptions.GetTypeInfo"/> works before anything has been serialized.
    /// </summary>
    public static JsonSerializerOptions Json { get; } = CreateJson();

    private static JsonSerializerOptions CreateJson()
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        json.MakeReadOnly();
        return json;
    }

    public GrainId GrainId => Activation.GrainId;
}

/// <summary>Builds, once per state type at start-up, the delegate that creates a state for an activation.</summary>
internal static class StateFactories
{
    public static Func<StateBinding, IActivationState> PersistentFor(Type stateType) =>
        typeof(StateFactories).GetMethod(nameof(CreatePersistent), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(stateType)
            .CreateDelegate<Func<StateBinding, IActivationState>>();

    public static Func<StateBinding, IActivationState> JournaledFor(Type stateType, Type eventType) =>
        typeof(StateFactories).GetMethod(nameof(CreateJournaled), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(stateType, eventType)
            .CreateDelegate<Func<StateBinding, IActivationState>>();

    private static PersistentState<TState> CreatePersistent<TState>(StateBinding binding) => new(binding);

    private static JournaledState<TState, TEvent> CreateJournaled<TState, TEvent>(StateBinding binding)
        where TState : class, IEventSourced<TEvent>, new() =>
        new(binding);
}
