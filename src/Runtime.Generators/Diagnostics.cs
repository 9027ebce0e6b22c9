using Microsoft.CodeAnalysis;

namespace GroupBuy.Runtime.Generators;

/// <summary>The errors that stop a grain interface or class from getting generated code.</summary>
internal static class GrainDiagnostics
{
    private const string Category = "GroupBuy.Runtime";

    public static readonly DiagnosticDescriptor UnsupportedReturnType = Error(
        "GBR001",
        "Grain method must return Task, Task<T>, ValueTask or ValueTask<T>",
        "Grain method '{0}' returns '{1}'; grain methods must return Task, Task<T>, ValueTask or ValueTask<T>");

    public static readonly DiagnosticDescriptor GenericMethod = Error(
        "GBR002",
        "Grain method cannot be generic",
        "Grain method '{0}' has type parameters; grain methods cannot be generic");

    public static readonly DiagnosticDescriptor GenericInterface = Error(
        "GBR003",
        "Grain interface cannot be generic",
        "Grain interface '{0}' has type parameters (its own or a containing type's); grain interfaces cannot be generic");

    public static readonly DiagnosticDescriptor UnsupportedMember = Error(
        "GBR004",
        "Grain interface may declare only methods",
        "Grain interface member '{0}' is {1}; grain interfaces may declare only methods");

    public static readonly DiagnosticDescriptor ByRefParameter = Error(
        "GBR005",
        "Grain method parameter cannot be ref, out or in",
        "Parameter '{0}' of grain method '{1}' is '{2}'; grain method arguments are passed by value only");

    public static readonly DiagnosticDescriptor RefStructParameter = Error(
        "GBR006",
        "Grain method parameter cannot be a ref struct",
        "Parameter '{0}' of grain method '{1}' has the ref struct type '{2}', which a grain call cannot hold");

    public static readonly DiagnosticDescriptor Inaccessible = Error(
        "GBR007",
        "Grain interface or class must be visible to its assembly",
        "'{0}' is private, protected or file-local; the generated grain code needs it to be at least internal");

    private static readonly DiagnosticDescriptor[] All =
    [
        UnsupportedReturnType, GenericMethod, GenericInterface, UnsupportedMember, ByRefParameter, RefStructParameter, Inaccessible,
    ];

    public static DiagnosticDescriptor ById(string id) => System.Array.Find(All, d => d.Id == id);

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
}
