using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace GroupBuy.Runtime.Generators;

/// <summary>Reads grain interfaces and grain classes from symbols into equatable models.</summary>
internal static class ModelBuilder
{
    private const string RuntimeNamespace = "GroupBuy.Runtime";

    private static readonly SymbolDisplayFormat TypeFormat =
        SymbolDisplayFormat.FullyQualifiedFormat.AddMiscellaneousOptions(
            SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    private static readonly string[] MarkerInterfaces = ["IGrain", "IGrainWithStringKey", "IGrainWithGuidKey", "IGrainWithIntegerKey"];

    /// <summary>The model of a grain interface declared in source, or null when the type is not one.</summary>
    public static GrainInterfaceModel? BuildInterface(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        if (type.TypeKind != TypeKind.Interface || IsMarker(type) || !type.AllInterfaces.Any(IsGrainMarker))
        {
            return null;
        }

        var diagnostics = new List<DiagnosticInfo>();
        var methods = new List<GrainMethodModel>();
        var location = type.Locations[0];
        if (IsGeneric(type))
        {
            diagnostics.Add(DiagnosticInfo.Create(GrainDiagnostics.GenericInterface, location, type.Name));
        }
        if (!IsVisibleToAssembly(type))
        {
            diagnostics.Add(DiagnosticInfo.Create(GrainDiagnostics.Inaccessible, location, type.ToDisplayString()));
        }

        // AllInterfaces is already distinct, so a base reached along several paths contributes its methods once.
        foreach (var declaring in new[] { type }.Concat(type.AllInterfaces).Where(i => !IsMarker(i)))
        {
            foreach (var member in declaring.GetMembers())
            {
                cancellationToken.ThrowIfCancellationRequested();
                AddMember(member, location, methods, diagnostics);
            }
        }

        return new GrainInterfaceModel(
            MetadataName(type),
            type.ToDisplayString(TypeFormat),
            diagnostics.Count == 0 ? methods.ToEquatableArray() : EquatableArray<GrainMethodModel>.Empty,
            diagnostics.ToEquatableArray());
    }

    /// <summary>The model of a concrete grain class declared in source, or null when the type is not one.</summary>
    public static GrainClassModel? BuildGrainClass(INamedTypeSymbol type)
    {
        if (type.TypeKind != TypeKind.Class || type.IsAbstract || type.IsStatic || IsGeneric(type) || !DerivesFromGrain(type))
        {
            return null;
        }

        var diagnostics = IsVisibleToAssembly(type)
            ? EquatableArray<DiagnosticInfo>.Empty
            : new[] { DiagnosticInfo.Create(GrainDiagnostics.Inaccessible, type.Locations[0], type.ToDisplayString()) }.ToEquatableArray();
        return new GrainClassModel(MetadataName(type), type.ToDisplayString(TypeFormat), diagnostics);
    }

    private static void AddMember(ISymbol member, Location interfaceLocation, List<GrainMethodModel> methods, List<DiagnosticInfo> diagnostics)
    {
        // Members from metadata have no source to point at; the interface being generated stands in.
        var location = member.Locations.FirstOrDefault(l => l.IsInSource) ?? interfaceLocation;
        var name = $"{member.ContainingType.Name}.{member.Name}";

        // Default-implemented and static non-abstract members need nothing from the reference.
        if (!member.IsAbstract)
        {
            return;
        }

        switch (member)
        {
            case IMethodSymbol { AssociatedSymbol: not null }:
                // Accessors are reported with their property or event.
                break;
            case IMethodSymbol { IsStatic: true }:
                // The reference could not implement it, and the interface could not be a type argument.
                diagnostics.Add(DiagnosticInfo.Create(GrainDiagnostics.UnsupportedMember, location, name, "a static abstract member"));
                break;
            case IMethodSymbol { MethodKind: MethodKind.Ordinary } method:
                AddMethod(method, name, location, methods, diagnostics);
                break;
            case IPropertySymbol { IsIndexer: true }:
                diagnostics.Add(DiagnosticInfo.Create(GrainDiagnostics.UnsupportedMember, location, $"{member.ContainingType.Name}.this[]", "an indexer"));
                break;
            case IPropertySymbol:
                diagnostics.Add(DiagnosticInfo.Create(GrainDiagnostics.UnsupportedMember, location, name, "a property"));
                break;
            case IEventSymbol:
                diagnostics.Add(DiagnosticInfo.Create(GrainDiagnostics.UnsupportedMember, location, name, "an event"));
                break;
            default:
                break;
        }
    }

    private static void AddMethod(IMethodSymbol method, string name, Location location, List<GrainMethodModel> methods, List<DiagnosticInfo> diagnostics)
    {
        var errors = diagnostics.Count;
        if (method.IsGenericMethod)
        {
            diagnostics.Add(DiagnosticInfo.Create(GrainDiagnostics.GenericMethod, location, name));
        }

        var returnKind = GetReturnKind(method.ReturnType);
        if (returnKind is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(GrainDiagnostics.UnsupportedReturnType, location, name, method.ReturnType.ToDisplayString()));
        }

        var parameters = new List<ParameterModel>();
        foreach (var parameter in method.Parameters)
        {
            var parameterLocation = parameter.Locations.FirstOrDefault(l => l.IsInSource) ?? location;
            if (parameter.RefKind != RefKind.None)
            {
                diagnostics.Add(DiagnosticInfo.Create(GrainDiagnostics.ByRefParameter, parameterLocation, parameter.Name, name, RefKindText(parameter.RefKind)));
            }
            if (parameter.Type.IsRefLikeType)
            {
                diagnostics.Add(DiagnosticInfo.Create(GrainDiagnostics.RefStructParameter, parameterLocation, parameter.Name, name, parameter.Type.ToDisplayString()));
            }
            parameters.Add(new ParameterModel(parameter.Type.ToDisplayString(TypeFormat), Escape(parameter.Name), parameter.IsParams));
        }

        if (diagnostics.Count > errors)
        {
            return;
        }

        var resultType = returnKind is ReturnKind.TaskOfT or ReturnKind.ValueTaskOfT
            ? ((INamedTypeSymbol)method.ReturnType).TypeArguments[0].ToDisplayString(TypeFormat)
            : null;
        methods.Add(new GrainMethodModel(
            method.ContainingType.ToDisplayString(TypeFormat),
            Escape(method.Name),
            name,
            returnKind!.Value,
            method.ReturnType.ToDisplayString(TypeFormat),
            resultType,
            method.ReturnType.NullableAnnotation == NullableAnnotation.Annotated,
            OptionsExpression(method),
            parameters.ToEquatableArray()));
    }

    private static ReturnKind? GetReturnKind(ITypeSymbol type)
    {
        if (type is not INamedTypeSymbol { ContainingType: null } named || named.ContainingNamespace.ToDisplayString() != "System.Threading.Tasks")
        {
            return null;
        }
        return named.MetadataName switch
        {
            "Task" => ReturnKind.Task,
            "Task`1" => ReturnKind.TaskOfT,
            "ValueTask" => ReturnKind.ValueTask,
            "ValueTask`1" => ReturnKind.ValueTaskOfT,
            _ => null,
        };
    }

    private static string OptionsExpression(IMethodSymbol method)
    {
        const string Options = "global::GroupBuy.Runtime.Invocation.GrainMethodOptions.";
        var flags = new List<string>();
        if (HasAttribute(method, "AlwaysInterleaveAttribute"))
        {
            flags.Add(Options + "AlwaysInterleave");
        }
        if (HasAttribute(method, "ReadOnlyAttribute"))
        {
            flags.Add(Options + "ReadOnly");
        }
        return flags.Count == 0 ? Options + "None" : string.Join(" | ", flags);
    }

    private static bool HasAttribute(IMethodSymbol method, string attributeName) =>
        method.GetAttributes().Any(a => a.AttributeClass is { } type && IsRuntimeType(type, attributeName));

    private static bool DerivesFromGrain(INamedTypeSymbol type)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (IsRuntimeType(current, "Grain"))
            {
                return true;
            }
        }
        return false;
    }

    private static bool IsGrainMarker(INamedTypeSymbol type) => IsRuntimeType(type, "IGrain");

    private static bool IsMarker(INamedTypeSymbol type) => MarkerInterfaces.Any(name => IsRuntimeType(type, name));

    private static bool IsRuntimeType(INamedTypeSymbol type, string metadataName) =>
        type.MetadataName == metadataName && type.ContainingType is null && type.ContainingNamespace.ToDisplayString() == RuntimeNamespace;

    private static bool IsGeneric(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.TypeParameters.Length > 0)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Whether code at namespace level in the same assembly can name the type.</summary>
    private static bool IsVisibleToAssembly(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.IsFileLocal || current.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary><c>Namespace.Outer+Inner</c>: unique within an assembly, unlike the simple name.</summary>
    private static string MetadataName(INamedTypeSymbol type)
    {
        var name = type.MetadataName;
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            name = outer.MetadataName + "+" + name;
        }
        return type.ContainingNamespace.IsGlobalNamespace ? name : type.ContainingNamespace.ToDisplayString() + "." + name;
    }

    private static string RefKindText(RefKind kind) => kind switch
    {
        RefKind.Out => "out",
        RefKind.In => "in",
        RefKind.RefReadOnlyParameter => "ref readonly",
        _ => "ref",
    };

    private static string Escape(string identifier) =>
        SyntaxFacts.GetKeywordKind(identifier) == SyntaxKind.None ? identifier : "@" + identifier;
}
