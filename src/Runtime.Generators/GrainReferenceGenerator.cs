using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GroupBuy.Runtime.Generators;

/// <summary>
/// Writes a typed reference for every grain interface declared in the assembly and one provider that
/// registers those references and the assembly's grain classes, so the call path needs no reflection.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class GrainReferenceGenerator : IIncrementalGenerator
{
    private const string GeneratedNamespace = "GroupBuy.Runtime.Generated";

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // Neither grain interfaces nor grain classes carry an attribute of their own, so both are found by
        // syntax shape: only types with a base list can reach IGrain or Grain.
        var interfaces = context.SyntaxProvider
            .CreateSyntaxProvider(
                static (node, _) => node is InterfaceDeclarationSyntax { BaseList: not null },
                static (syntax, cancellationToken) =>
                    syntax.SemanticModel.GetDeclaredSymbol(syntax.Node, cancellationToken) is INamedTypeSymbol type
                        ? ModelBuilder.BuildInterface(type, cancellationToken)
                        : null)
            .Where(static model => model is not null)
            .WithTrackingName(TrackingNames.Interfaces);

        var grainClasses = context.SyntaxProvider
            .CreateSyntaxProvider(
                static (node, _) => node is ClassDeclarationSyntax { BaseList: not null },
                static (syntax, cancellationToken) =>
                    syntax.SemanticModel.GetDeclaredSymbol(syntax.Node, cancellationToken) is INamedTypeSymbol type
                        ? ModelBuilder.BuildGrainClass(type)
                        : null)
            .Where(static model => model is not null)
            .WithTrackingName(TrackingNames.GrainClasses);

        var assemblyName = context.CompilationProvider
            .Select(static (compilation, _) => compilation.AssemblyName ?? string.Empty);

        var assembly = interfaces.Collect()
            .Combine(grainClasses.Collect())
            .Combine(assemblyName)
            .WithTrackingName(TrackingNames.Assembly);

        context.RegisterSourceOutput(assembly, static (output, input) =>
            Emit(output, input.Left.Left!, input.Left.Right!, input.Right));
    }

    private static void Emit(
        SourceProductionContext output,
        ImmutableArray<GrainInterfaceModel?> interfaceModels,
        ImmutableArray<GrainClassModel?> classModels,
        string assemblyName)
    {
        // A partial type is seen once per declaration with a base list; keep one, in a stable order.
        var interfaces = Distinct(interfaceModels.Select(m => m!), m => m.MetadataName);
        var grainClasses = Distinct(classModels.Select(m => m!), m => m.MetadataName);

        foreach (var diagnostic in interfaces.SelectMany(m => m.Diagnostics).Concat(grainClasses.SelectMany(m => m.Diagnostics)).Distinct())
        {
            output.ReportDiagnostic(diagnostic.ToDiagnostic());
        }

        var @namespace = $"{GeneratedNamespace}.{Identifier(assemblyName)}";
        var references = new List<(string ClassName, GrainInterfaceModel Grain)>();
        var classNames = new HashSet<string>();
        foreach (var grain in interfaces.Where(m => m.Diagnostics.Count == 0))
        {
            var className = UniqueName(Identifier(grain.MetadataName) + "Reference", classNames);
            references.Add((className, grain));
            output.AddSource($"{className}.g.cs", ReferenceEmitter.Reference(@namespace, className, grain));
        }

        var registered = grainClasses.Where(m => m.Diagnostics.Count == 0).ToList();
        if (references.Count > 0 || registered.Count > 0)
        {
            output.AddSource("GeneratedGrainCode.g.cs", ReferenceEmitter.Provider(@namespace, references, registered));
        }
    }

    private static List<T> Distinct<T>(IEnumerable<T> models, System.Func<T, string> key) =>
        models.GroupBy(key).Select(g => g.First()).OrderBy(key, System.StringComparer.Ordinal).ToList();

    /// <summary>Sanitizing can map two names onto one (<c>A.B_C</c>, <c>A_B.C</c>); a suffix keeps them apart.</summary>
    private static string UniqueName(string name, HashSet<string> taken)
    {
        var unique = name;
        for (var i = 2; !taken.Add(unique); i++)
        {
            unique = name + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return unique;
    }

    /// <summary>Turns a dotted or nested name into one C# identifier.</summary>
    private static string Identifier(string name)
    {
        var identifier = new StringBuilder(name.Length + 1);
        foreach (var c in name)
        {
            identifier.Append(SyntaxFacts.IsIdentifierPartCharacter(c) ? c : '_');
        }
        if (identifier.Length == 0 || !SyntaxFacts.IsIdentifierStartCharacter(identifier[0]))
        {
            identifier.Insert(0, '_');
        }
        var text = identifier.ToString();
        return SyntaxFacts.GetKeywordKind(text) == SyntaxKind.None ? text : "@" + text;
    }
}

/// <summary>Step names that tests use to check the pipeline's caching.</summary>
internal static class TrackingNames
{
    public const string Interfaces = nameof(Interfaces);
    public const string GrainClasses = nameof(GrainClasses);
    public const string Assembly = nameof(Assembly);
}
