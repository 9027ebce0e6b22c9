namespace GroupBuy.Runtime.Invocation;

/// <summary>Implemented by the class the source generator writes into each assembly with grains or grain interfaces.</summary>
public interface IGrainCodeProvider
{
    void Register(GrainCodeRegistry registry);
}

/// <summary>Names the generated <see cref="IGrainCodeProvider"/> of an assembly.</summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class GeneratedGrainCodeAttribute(Type providerType) : Attribute
{
    public Type ProviderType { get; } = providerType;
}

/// <summary>What the generated code registers: a reference factory per grain interface, and the grain classes.</summary>
public sealed class GrainCodeRegistry
{
    private readonly Dictionary<Type, Func<GrainId, GrainRuntime, object>> _references = [];
    private readonly HashSet<Type> _grainClasses = [];

    public void AddReference<TInterface>(Func<GrainId, GrainRuntime, TInterface> factory)
        where TInterface : class, IGrain =>
        _references[typeof(TInterface)] = factory;

    public void AddGrainClass(Type grainClass) => _grainClasses.Add(grainClass);

    internal IReadOnlyDictionary<Type, Func<GrainId, GrainRuntime, object>> References => _references;

    internal IReadOnlyCollection<Type> GrainClasses => _grainClasses;

    /// <summary>Registers the generated code of the given assemblies.</summary>
    public static GrainCodeRegistry FromAssemblies(IEnumerable<System.Reflection.Assembly> assemblies)
    {
        var registry = new GrainCodeRegistry();
        foreach (var assembly in assemblies.Distinct())
        {
            foreach (var attribute in assembly.GetCustomAttributes(typeof(GeneratedGrainCodeAttribute), inherit: false).Cast<GeneratedGrainCodeAttribute>())
            {
                ((IGrainCodeProvider)Activator.CreateInstance(attribute.ProviderType)!).Register(registry);
            }
        }
        return registry;
    }
}
