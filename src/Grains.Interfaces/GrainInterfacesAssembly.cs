namespace GroupBuy.Grains.Interfaces;

/// <summary>Names this assembly for registration (its grain interfaces' references are generated into it).</summary>
public static class GrainInterfacesAssembly;
