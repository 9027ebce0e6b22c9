using System.Reflection;

namespace GroupBuy.Grains;

/// <summary>The assemblies whose grains and grain interfaces the silo hosts.</summary>
public static class GrainAssemblies
{
    public static Assembly[] All { get; } = [typeof(GrainAssemblies).Assembly, typeof(Interfaces.GrainInterfacesAssembly).Assembly];
}
