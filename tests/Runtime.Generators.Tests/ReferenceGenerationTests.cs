using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GroupBuy.Runtime.Generators.Tests;

public sealed class ReferenceGenerationTests
{
    private const string OptionsPrefix = "global::GroupBuy.Runtime.Invocation.GrainMethodOptions.";

    [Fact]
    public void Output_compiles_without_diagnostics_for_a_rich_set_of_grain_interfaces()
    {
        var output = GeneratorHarness.Run(Sources.RichContracts);

        Assert.Empty(output.Diagnostics);
        Assert.Empty(output.CompilationProblems);
        Assert.Equal(
            [
                "GeneratedGrainCode.g.cs",
                "Shop_Contracts_ICartGrainReference.g.cs",
                "Shop_Contracts_IDiamondGrainReference.g.cs",
                "Shop_Contracts_IDiamondLeftReference.g.cs",
                "Shop_Contracts_IDiamondRightReference.g.cs",
                "Shop_Contracts_IInternalGrainReference.g.cs",
                "Shop_Contracts_IReadableReference.g.cs",
                "Shop_Contracts_IWritableReference.g.cs",
                "Shop_Contracts_Outer_INestedGrainReference.g.cs",
                "Shop_Other_ICartGrainReference.g.cs",
            ],
            output.HintNames.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Reference_implements_every_method_of_base_grain_interfaces()
    {
        var output = GeneratorHarness.Run(Sources.RichContracts);

        Assert.Equal(
            [
                "ICartGrain.Add", "ICartGrain.Items", "ICartGrain.Legacy", "ICartGrain.Numbers", "ICartGrain.Publish",
                "ICartGrain.Summary", "ICartGrain.Total", "ICartGrain.Upgrade",
                "IReadable.GetName", "IReadable.Reset",
                "IWritable.Ping", "IWritable.Reset", "IWritable.Touch",
            ],
            ImplementedMethods(output.Reference("Shop_Contracts_ICartGrainReference")));
    }

    [Fact]
    public void Method_inherited_along_several_paths_is_implemented_once()
    {
        var output = GeneratorHarness.Run(Sources.RichContracts);

        Assert.Equal(["IReadable.GetName", "IReadable.Reset"], ImplementedMethods(output.Reference("Shop_Contracts_IDiamondGrainReference")));
    }

    [Fact]
    public void Non_grain_base_interfaces_are_implemented_and_static_and_default_members_are_skipped()
    {
        var output = GeneratorHarness.Run(Sources.RichContracts);

        var reference = output.Reference("Shop_Contracts_IInternalGrainReference");
        Assert.Equal(["IHelper.Help", "IInternalGrain.Run"], ImplementedMethods(reference));
        Assert.Contains(SyntaxKind.InternalKeyword, reference.Modifiers.Select(m => m.Kind()));
        Assert.Contains(SyntaxKind.SealedKeyword, reference.Modifiers.Select(m => m.Kind()));
    }

    [Fact]
    public void Method_options_come_from_the_AlwaysInterleave_and_ReadOnly_attributes()
    {
        var output = GeneratorHarness.Run(Sources.RichContracts);

        var options = CallStructs(output.Reference("Shop_Contracts_ICartGrainReference"))
            .ToDictionary(call => call.Name, call => call.Options.Replace(OptionsPrefix, string.Empty, StringComparison.Ordinal));
        Assert.Equal("ReadOnly", options["IReadable.GetName"]);
        Assert.Equal("AlwaysInterleave | ReadOnly", options["IWritable.Ping"]);
        Assert.Equal("AlwaysInterleave", options["IWritable.Touch"]);
        Assert.Equal("None", options["ICartGrain.Add"]);
        Assert.Equal("None", options["IWritable.Reset"]);
    }

    [Fact]
    public void Each_return_kind_is_adapted_to_the_call_and_back()
    {
        var output = GeneratorHarness.Run(Sources.RichContracts);
        var reference = output.Reference("Shop_Contracts_ICartGrainReference");

        // Task-returning methods convert the runtime's ValueTask; ValueTask-returning ones pass it through.
        Assert.EndsWith(".AsTask()", Body(reference, "Add"), StringComparison.Ordinal);
        Assert.EndsWith(".AsTask()", Body(reference, "Publish"), StringComparison.Ordinal);
        Assert.DoesNotContain("AsTask", Body(reference, "Items"), StringComparison.Ordinal);
        Assert.DoesNotContain("AsTask", Body(reference, "Ping"), StringComparison.Ordinal);

        var calls = CallStructs(reference).ToDictionary(call => call.Name);
        Assert.Equal("global::GroupBuy.Runtime.Invocation.IGrainMethod<int>", calls["ICartGrain.Add"].Interface);
        Assert.Equal("global::GroupBuy.Runtime.Invocation.IGrainMethod", calls["ICartGrain.Publish"].Interface);
        Assert.StartsWith("new global::System.Threading.Tasks.ValueTask<int>(", calls["ICartGrain.Add"].Invoke, StringComparison.Ordinal);
        Assert.StartsWith("new global::System.Threading.Tasks.ValueTask(", calls["ICartGrain.Publish"].Invoke, StringComparison.Ordinal);
        Assert.StartsWith("((global::Shop.Contracts.ICartGrain)grain).Items(", calls["ICartGrain.Items"].Invoke, StringComparison.Ordinal);
        Assert.StartsWith("((global::Shop.Contracts.IWritable)grain).Ping(", calls["IWritable.Ping"].Invoke, StringComparison.Ordinal);
    }

    [Fact]
    public void Reference_classes_are_unique_for_interfaces_with_the_same_name()
    {
        const string Source = """
            using System.Threading.Tasks;
            using GroupBuy.Runtime;

            namespace A { public interface B_IFoo : IGrain { Task Run(); } }
            namespace A_B { public interface IFoo : IGrain { Task Run(); } }
            namespace C { public interface IFoo : IGrain { Task Run(); } public class Holder { public interface IFoo : IGrain { Task Run(); } } }
            """;

        var output = GeneratorHarness.Run(Source);

        Assert.Empty(output.CompilationProblems);
        Assert.Equal(
            ["A_B_IFooReference.g.cs", "A_B_IFooReference2.g.cs", "C_Holder_IFooReference.g.cs", "C_IFooReference.g.cs", "GeneratedGrainCode.g.cs"],
            output.HintNames.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Generated_code_uses_no_reflection()
    {
        var text = GeneratorHarness.Run(Sources.RichContracts).AllText;

        Assert.DoesNotContain("System.Reflection", text, StringComparison.Ordinal);
        Assert.DoesNotContain("GetMethod", text, StringComparison.Ordinal);
        Assert.DoesNotContain("MethodInfo", text, StringComparison.Ordinal);
        Assert.DoesNotContain("DispatchProxy", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Activator", text, StringComparison.Ordinal);
        Assert.DoesNotContain("dynamic", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Generated_files_are_marked_as_generated_and_nullable_aware()
    {
        var output = GeneratorHarness.Run(Sources.RichContracts);

        Assert.All(output.Result.GeneratedSources, source =>
        {
            var text = source.SourceText.ToString();
            Assert.StartsWith("// <auto-generated/>", text, StringComparison.Ordinal);
            Assert.Contains("#nullable enable", text, StringComparison.Ordinal);
            Assert.Contains("[global::System.CodeDom.Compiler.GeneratedCode(\"GroupBuy.Runtime.Generators\", \"1.0\")]", text, StringComparison.Ordinal);
        });
    }

    private static List<string> ImplementedMethods(ClassDeclarationSyntax reference) =>
        reference.Members.OfType<MethodDeclarationSyntax>()
            .Select(m => $"{Simple(m.ExplicitInterfaceSpecifier!.Name)}.{m.Identifier.Text}")
            .Order(StringComparer.Ordinal)
            .ToList();

    private static string Simple(NameSyntax name) => name switch
    {
        QualifiedNameSyntax qualified => Simple(qualified.Right),
        AliasQualifiedNameSyntax alias => Simple(alias.Name),
        _ => ((SimpleNameSyntax)name).Identifier.Text,
    };

    private static string Body(ClassDeclarationSyntax reference, string method) =>
        reference.Members.OfType<MethodDeclarationSyntax>().Single(m => m.Identifier.Text == method).ExpressionBody!.Expression.ToString();

    private static IEnumerable<CallStruct> CallStructs(ClassDeclarationSyntax reference) =>
        reference.Members.OfType<StructDeclarationSyntax>().Select(call =>
        {
            string Property(string name) =>
                call.Members.OfType<PropertyDeclarationSyntax>().Single(p => p.Identifier.Text == name).ExpressionBody!.Expression.ToString();
            var invoke = call.Members.OfType<MethodDeclarationSyntax>().Single(m => m.Identifier.Text == "Invoke");
            return new CallStruct(
                Property("Name").Trim('"'),
                Property("Options"),
                call.BaseList!.Types.Single().ToString(),
                invoke.ExpressionBody!.Expression.ToString());
        });

    private sealed record CallStruct(string Name, string Options, string Interface, string Invoke);
}
