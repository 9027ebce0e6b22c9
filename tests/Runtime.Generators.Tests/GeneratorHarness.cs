using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GroupBuy.Runtime.Generators.Tests;

/// <summary>Compiles sources against the real runtime assembly and runs the generator on them.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    // The runtime's Grain base class is being written in parallel; until it ships, tests declare a stand-in.
    private const string GrainStub = "namespace GroupBuy.Runtime { public abstract class Grain { } }";

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    public static CSharpCompilation Compile(string assemblyName, params string[] sources)
    {
        var trees = sources.Select((source, i) => Parse(source, $"Source{i}.cs")).ToList();
        if (typeof(IGrain).Assembly.GetType("GroupBuy.Runtime.Grain") is null)
        {
            trees.Add(Parse(GrainStub, "GrainStub.cs"));
        }
        return CSharpCompilation.Create(
            assemblyName,
            trees,
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, warningLevel: 9999));
    }

    public static SyntaxTree Parse(string source, string path) => CSharpSyntaxTree.ParseText(source, ParseOptions, path);

    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            [new GrainReferenceGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static GeneratorOutput Run(Compilation compilation)
    {
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return new GeneratorOutput(output, diagnostics, driver.GetRunResult().Results.Single());
    }

    public static GeneratorOutput Run(string source, string assemblyName = "TestGrains") => Run(Compile(assemblyName, source));

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return platform
            .Append(typeof(IGrain).Assembly.Location)
            .Where(path => path.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    }
}

/// <summary>What one generator run produced, and the compilation with its output added.</summary>
internal sealed record GeneratorOutput(Compilation Compilation, ImmutableArray<Diagnostic> Diagnostics, GeneratorRunResult Result)
{
    public IEnumerable<string> HintNames => Result.GeneratedSources.Select(s => s.HintName);

    public string AllText => string.Join("\n", Result.GeneratedSources.Select(s => s.SourceText.ToString()));

    /// <summary>Warnings and errors of the whole compilation, generated code included.</summary>
    public IEnumerable<Diagnostic> CompilationProblems =>
        Compilation.GetDiagnostics(TestContext.Current.CancellationToken).Where(d => d.Severity >= DiagnosticSeverity.Warning);

    public CompilationUnitSyntax Source(string hintName) =>
        (CompilationUnitSyntax)Result.GeneratedSources.Single(s => s.HintName == hintName).SyntaxTree.GetRoot(TestContext.Current.CancellationToken);

    public ClassDeclarationSyntax Reference(string className) =>
        Source($"{className}.g.cs").DescendantNodes().OfType<ClassDeclarationSyntax>().Single(c => c.Identifier.Text == className);
}
