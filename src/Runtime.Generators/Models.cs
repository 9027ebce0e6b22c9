using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace GroupBuy.Runtime.Generators;

// Plain, equatable values only: holding symbols or a Compilation here would keep old compilations
// alive and defeat the pipeline's caching.

/// <summary>A grain interface: what its reference implements, or why none can be generated.</summary>
internal sealed record GrainInterfaceModel(
    string MetadataName,
    string TypeName,
    EquatableArray<GrainMethodModel> Methods,
    EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>One abstract method the reference implements, declared on the interface or a base of it.</summary>
internal sealed record GrainMethodModel(
    string InterfaceTypeName,
    string Name,
    string DisplayName,
    ReturnKind ReturnKind,
    string ReturnTypeName,
    string? ResultTypeName,
    bool ReturnMayBeNull,
    string OptionsExpression,
    EquatableArray<ParameterModel> Parameters);

internal sealed record ParameterModel(string TypeName, string Name, bool IsParams);

internal enum ReturnKind
{
    Task,
    TaskOfT,
    ValueTask,
    ValueTaskOfT,
}

/// <summary>A concrete grain class to register.</summary>
internal sealed record GrainClassModel(string MetadataName, string TypeName, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>A diagnostic with its location flattened to values, rebuilt when it is reported.</summary>
internal sealed record DiagnosticInfo(string Id, string FilePath, TextSpan Span, LinePositionSpan LineSpan, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location location, params string[] arguments)
    {
        var lineSpan = location.GetLineSpan();
        return new(descriptor.Id, lineSpan.Path ?? string.Empty, location.SourceSpan, lineSpan.Span, arguments.ToEquatableArray());
    }

    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(
            GrainDiagnostics.ById(Id),
            Location.Create(FilePath, Span, LineSpan),
            [.. Arguments]);
}
