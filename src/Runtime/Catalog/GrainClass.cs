using System.Reflection;
using System.Text;
using GroupBuy.Runtime.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBuy.Runtime.Catalog;

/// <summary>
/// What the runtime knows of one grain class, worked out once at start-up: its grain type name, its
/// scheduling attributes, and how to construct it with its persistent states.
/// </summary>
internal sealed class GrainClass
{
    private readonly ObjectFactory _factory;
    private readonly StateParameter[] _states;

    private GrainClass(Type type, string grainType, bool isReentrant, TimeSpan? collectionAge, ObjectFactory factory, StateParameter[] states)
    {
        Type = type;
        GrainType = grainType;
        IsReentrant = isReentrant;
        CollectionAge = collectionAge;
        _factory = factory;
        _states = states;
    }

    public Type Type { get; }

    public string GrainType { get; }

    public bool IsReentrant { get; }

    /// <summary>The class's own idle age (<see cref="CollectionAgeLimitAttribute"/>), if it sets one.</summary>
    public TimeSpan? CollectionAge { get; }

    public static GrainClass Describe(Type type)
    {
        if (!typeof(Grain).IsAssignableFrom(type) || type.IsAbstract || type.IsGenericTypeDefinition)
        {
            throw new InvalidOperationException($"{type} is not a concrete grain class.");
        }
        var grainType = type.GetCustomAttribute<GrainTypeAttribute>()?.Name ?? DefaultGrainType(type.Name);
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault()
            ?? throw new InvalidOperationException($"{type} has no public constructor.");
        var states = constructor.GetParameters()
            .Select(p => (Parameter: p, Attribute: p.GetCustomAttribute<PersistentStateAttribute>()))
            .Where(p => p.Attribute is not null)
            .Select(p => StateParameter.For(type, p.Parameter, p.Attribute!))
            .ToArray();
        var duplicate = states.GroupBy(s => s.ParameterType).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"{type} takes two persistent states of type {duplicate.Key}; give each state a type of its own.");
        }
        var factory = ActivatorUtilities.CreateFactory(type, [.. states.Select(s => s.ParameterType)]);
        return new GrainClass(type, grainType, type.GetCustomAttribute<ReentrantAttribute>() is not null,
            type.GetCustomAttribute<CollectionAgeLimitAttribute>()?.Age, factory, states);
    }

    /// <summary>Creates the grain and its (not yet loaded) states.</summary>
    public (Grain Grain, IActivationState[] States) Create(IServiceProvider services, Activation activation)
    {
        var states = new IActivationState[_states.Length];
        for (var i = 0; i < states.Length; i++)
        {
            states[i] = _states[i].Create(new StateBinding(activation, _states[i].StateName, _states[i].StorageName, services));
        }
        var grain = (Grain)_factory(services, states);
        return (grain, states);
    }

    /// <summary><c>FlashSaleGrain</c> → <c>flash-sale</c>.</summary>
    internal static string DefaultGrainType(string className)
    {
        var name = className.EndsWith("Grain", StringComparison.Ordinal) && className.Length > 5 ? className[..^5] : className;
        var kebab = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                kebab.Append('-');
            }
            kebab.Append(char.ToLowerInvariant(name[i]));
        }
        return kebab.ToString();
    }

    private sealed record StateParameter(Type ParameterType, string StateName, string StorageName, Func<StateBinding, IActivationState> Create)
    {
        public static StateParameter For(Type grainClass, ParameterInfo parameter, PersistentStateAttribute attribute)
        {
            var type = parameter.ParameterType;
            var definition = type.IsGenericType ? type.GetGenericTypeDefinition() : null;
            var factory = definition == typeof(IPersistentState<>)
                ? StateFactories.PersistentFor(type.GetGenericArguments()[0])
                : definition == typeof(IJournaledState<,>)
                    ? StateFactories.JournaledFor(type.GetGenericArguments()[0], type.GetGenericArguments()[1])
                    : throw new InvalidOperationException(
                        $"{grainClass}: [PersistentState] parameter '{parameter.Name}' must be IPersistentState<T> or IJournaledState<TState, TEvent>.");
            return new StateParameter(type, attribute.StateName, attribute.StorageName, factory);
        }
    }
}
