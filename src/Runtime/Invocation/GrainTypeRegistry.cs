using GroupBuy.Runtime.Catalog;

namespace GroupBuy.Runtime.Invocation;

/// <summary>
/// Resolves, once at start-up, each grain interface to its implementing class and reference factory,
/// and each grain type name to its class.
/// </summary>
internal sealed class GrainTypeRegistry
{
    private readonly Dictionary<string, GrainClass> _classesByType = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, InterfaceBinding> _interfaces = [];

    public GrainTypeRegistry(GrainCodeRegistry code)
    {
        foreach (var type in code.GrainClasses)
        {
            var grainClass = GrainClass.Describe(type);
            if (!_classesByType.TryAdd(grainClass.GrainType, grainClass))
            {
                throw new InvalidOperationException(
                    $"Grain classes {_classesByType[grainClass.GrainType].Type} and {type} share the grain type '{grainClass.GrainType}'; set [GrainType] on one.");
            }
        }
        foreach (var (grainInterface, createReference) in code.References)
        {
            var implementations = _classesByType.Values.Where(c => grainInterface.IsAssignableFrom(c.Type)).ToList();
            if (implementations.Count > 1)
            {
                // A class that has the interface only through a more derived grain interface is not its implementation.
                implementations = [.. implementations.Where(c => !code.References.Keys.Any(
                    other => other != grainInterface && grainInterface.IsAssignableFrom(other) && other.IsAssignableFrom(c.Type)))];
            }
            if (implementations.Count == 1)
            {
                _interfaces[grainInterface] = new InterfaceBinding(implementations[0].GrainType, createReference);
            }
            else if (implementations.Count > 1)
            {
                _interfaces[grainInterface] = new InterfaceBinding(null, createReference,
                    $"{grainInterface} is implemented by {string.Join(", ", implementations.Select(c => c.Type.Name))}; give each class an interface of its own.");
            }
        }
    }

    public GrainClass ClassFor(string grainType) =>
        _classesByType.TryGetValue(grainType, out var grainClass)
            ? grainClass
            : throw new InvalidOperationException($"No grain class is registered for grain type '{grainType}'.");

    public TGrain CreateReference<TGrain>(string key, GrainRuntime runtime)
    {
        if (!_interfaces.TryGetValue(typeof(TGrain), out var binding))
        {
            throw new InvalidOperationException(
                $"{typeof(TGrain)} has no registered implementation: add the assemblies of its interface and its grain class to AddGrainRuntime.");
        }
        if (binding.GrainType is null)
        {
            throw new InvalidOperationException(binding.Problem);
        }
        return (TGrain)binding.CreateReference(new GrainId(binding.GrainType, key), runtime);
    }

    private sealed record InterfaceBinding(string? GrainType, Func<GrainId, GrainRuntime, object> CreateReference, string? Problem = null);
}
