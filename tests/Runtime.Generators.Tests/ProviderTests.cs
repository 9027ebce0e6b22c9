using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GroupBuy.Runtime.Generators.Tests;

public sealed class ProviderTests
{
    private const string Source = """
        using System.Threading.Tasks;
        using GroupBuy.Runtime;

        namespace App
        {
            public interface ICounterGrain : IGrainWithStringKey { Task<int> Next(); }

            internal interface IHiddenGrain : IGrain { Task Run(); }

            public interface INotAGrain { Task Run(); }

            public abstract class GrainBase : Grain;

            public sealed class CounterGrain : GrainBase, ICounterGrain
            {
                public Task<int> Next() => Task.FromResult(1);
            }

            internal sealed class HiddenGrain : Grain, IHiddenGrain
            {
                public Task Run() => Task.CompletedTask;
            }

            public abstract class AbstractGrain : Grain;

            public class GenericGrain<T> : Grain;

            public class Plain;

            public class NotAGrain : Plain;

            public static class Holder
            {
                public sealed class NestedGrain : Grain;
            }

            public partial class PartialGrain : Grain;

            public partial class PartialGrain : ICounterGrain
            {
                public Task<int> Next() => Task.FromResult(2);
            }
        }
        """;

    [Fact]
    public void Provider_registers_exactly_the_grain_interfaces_and_grain_classes()
    {
        var output = GeneratorHarness.Run(Source);

        Assert.Empty(output.CompilationProblems);
        var register = Invocations(output.Source("GeneratedGrainCode.g.cs"));
        Assert.Equal(
            [
                "AddReference<global::App.ICounterGrain>(new global::GroupBuy.Runtime.Generated.TestGrains.App_ICounterGrainReference)",
                "AddReference<global::App.IHiddenGrain>(new global::GroupBuy.Runtime.Generated.TestGrains.App_IHiddenGrainReference)",
                "AddGrainClass(typeof(global::App.CounterGrain))",
                "AddGrainClass(typeof(global::App.HiddenGrain))",
                "AddGrainClass(typeof(global::App.Holder.NestedGrain))",
                "AddGrainClass(typeof(global::App.PartialGrain))",
            ],
            register);
    }

    [Fact]
    public void Provider_lives_in_a_namespace_named_after_the_assembly_and_is_named_by_an_assembly_attribute()
    {
        var output = GeneratorHarness.Run(Source, assemblyName: "My-Shop.Grains");

        Assert.Empty(output.CompilationProblems);
        var provider = output.Source("GeneratedGrainCode.g.cs");
        var type = provider.DescendantNodes().OfType<ClassDeclarationSyntax>().Single();
        Assert.Equal("GroupBuy.Runtime.Generated.My_Shop_Grains", ((BaseNamespaceDeclarationSyntax)type.Parent!).Name.ToString());
        Assert.Equal("GeneratedGrainCode", type.Identifier.Text);
        Assert.Equal("global::GroupBuy.Runtime.Invocation.IGrainCodeProvider", type.BaseList!.Types.Single().ToString());
        Assert.Equal(
            "global::GroupBuy.Runtime.Invocation.GeneratedGrainCodeAttribute(typeof(global::GroupBuy.Runtime.Generated.My_Shop_Grains.GeneratedGrainCode))",
            provider.AttributeLists.Single().Attributes.Single().ToString());
    }

    [Fact]
    public void Assembly_without_grain_code_gets_no_provider()
    {
        const string Plain = """
            using System.Threading.Tasks;

            public interface IService { Task Run(); }
            public sealed class Service : IService { public Task Run() => Task.CompletedTask; }
            """;

        var output = GeneratorHarness.Run(Plain);

        Assert.Empty(output.Result.GeneratedSources);
        Assert.Empty(output.Diagnostics);
    }

    [Fact]
    public void Assembly_with_only_grain_classes_registers_them()
    {
        var output = GeneratorHarness.Run("public sealed class LonelyGrain : GroupBuy.Runtime.Grain;");

        Assert.Equal(["AddGrainClass(typeof(global::LonelyGrain))"], Invocations(output.Source("GeneratedGrainCode.g.cs")));
    }

    /// <summary>Each registration in order, with the factory lambda reduced to what it constructs.</summary>
    private static List<string> Invocations(CompilationUnitSyntax provider) =>
        provider.DescendantNodes().OfType<InvocationExpressionSyntax>()
            .Select(call =>
            {
                var name = ((MemberAccessExpressionSyntax)call.Expression).Name.ToString();
                var argument = call.ArgumentList.Arguments.Single().Expression;
                var shown = argument is LambdaExpressionSyntax { ExpressionBody: ObjectCreationExpressionSyntax creation }
                    ? $"new {creation.Type}"
                    : argument.ToString();
                return $"{name}({shown})";
            })
            .ToList();
}
